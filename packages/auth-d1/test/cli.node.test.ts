// copyMigrations from the source, and `auth-d1 migrations` as users run it: the built dist/cli.js.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { copyMigrations } from "../src/copy-migrations.js";
import { ensureBuilt, PACKAGE_ROOT } from "./fixtures/built-package.js";

const SHIPPED_DIR = join(PACKAGE_ROOT, "migrations");
const CLI = join(PACKAGE_ROOT, "dist", "cli.js");

let shipped: string[];
const temporaryDirs: string[] = [];

beforeAll(async () => {
  shipped = (await readdir(SHIPPED_DIR)).filter((file) => file.endsWith(".sql")).sort();
  expect(shipped.length).toBeGreaterThan(0);
});

afterEach(async () => {
  await Promise.all(temporaryDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "auth-d1-cli-"));
  temporaryDirs.push(dir);
  return dir;
}

/** The names copyMigrations should give the shipped files when the folder's highest number is `after`. */
function expectedNames(after: number): string[] {
  return shipped.map((file, index) => `${String(after + 1 + index).padStart(4, "0")}_auth-d1_${file}`);
}

async function sqlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((file) => file.endsWith(".sql")).sort();
}

describe("copyMigrations", () => {
  it("numbers from 0001 in an empty folder", async () => {
    const dir = await temporaryDir();
    expect(await copyMigrations(dir)).toEqual(expectedNames(0));
    expect(await sqlFiles(dir)).toEqual(expectedNames(0));
  });

  it("numbers after the Worker's own migrations", async () => {
    const dir = await temporaryDir();
    await writeFile(join(dir, "0001_x.sql"), "CREATE TABLE x (id integer);\n");
    await writeFile(join(dir, "0002_y.sql"), "CREATE TABLE y (id integer);\n");
    expect(await copyMigrations(dir)).toEqual(expectedNames(2));
    expect(await sqlFiles(dir)).toEqual(["0001_x.sql", "0002_y.sql", ...expectedNames(2)]);
  });

  it("copies nothing the second time", async () => {
    const dir = await temporaryDir();
    await copyMigrations(dir);
    const before = await sqlFiles(dir);
    expect(await copyMigrations(dir)).toEqual([]);
    expect(await sqlFiles(dir)).toEqual(before);
  });

  it("creates a folder that does not exist yet", async () => {
    const dir = join(await temporaryDir(), "migrations");
    expect(await copyMigrations(dir)).toEqual(expectedNames(0));
  });

  it("copies the shipped SQL byte for byte", async () => {
    const dir = await temporaryDir();
    const copied = await copyMigrations(dir);
    expect(copied).toHaveLength(shipped.length);
    for (const [index, file] of shipped.entries()) {
      const original = await readFile(join(SHIPPED_DIR, file));
      expect((await readFile(join(dir, copied[index]!))).equals(original), `${copied[index]} differs from ${file}`).toBe(true);
    }
  });
});

describe("auth-d1 CLI (dist/cli.js)", () => {
  beforeAll(ensureBuilt, 120_000);

  function runCLI(args: string[], cwd: string = PACKAGE_ROOT): SpawnSyncReturns<string> {
    return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" });
  }

  it("`migrations <dir>` prints each file it adds and exits 0", async () => {
    const dir = await temporaryDir();
    await writeFile(join(dir, "0001_x.sql"), "CREATE TABLE x (id integer);\n");
    const first = runCLI(["migrations", dir]);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout.trim().split("\n")).toEqual(expectedNames(1).map((file) => `[auth-d1] added ${file}`));
    expect(await sqlFiles(dir)).toEqual(["0001_x.sql", ...expectedNames(1)]);

    const second = runCLI(["migrations", dir]);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("already has every auth-d1 migration");
    expect(await sqlFiles(dir)).toEqual(["0001_x.sql", ...expectedNames(1)]);
  });

  it("`migrations` without a dir copies into ./migrations", async () => {
    const cwd = await temporaryDir();
    const result = runCLI(["migrations"], cwd);
    expect(result.status).toBe(0);
    expect(await sqlFiles(join(cwd, "migrations"))).toEqual(expectedNames(0));
  });

  it("an unknown command exits 2 with the usage on stderr", () => {
    const result = runCLI(["bogus"]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("usage: auth-d1 migrations [dir]");
  });
});
