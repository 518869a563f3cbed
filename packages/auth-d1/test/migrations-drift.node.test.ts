/**
 * The schema users get three ways must be one schema: src/schema.ts (what the adapters query), the SQL in
 * migrations/ (what `wrangler d1 migrations apply` creates), and the copies in each example (what
 * `auth-d1 migrations` wrote there). A column added to one and not the others fails here, before a user's
 * first request does. drizzle-kit only ever writes into temporary folders.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import drizzleConfig from "../drizzle.config.js";
import { PACKAGE_ROOT } from "./fixtures/built-package.js";

const MIGRATIONS_DIR = join(PACKAGE_ROOT, "migrations");
const EXAMPLES_DIR = join(PACKAGE_ROOT, "..", "..", "examples");
const DRIZZLE_KIT = join(PACKAGE_ROOT, "node_modules", ".bin", "drizzle-kit");
/** Every example that carries migrations: a new one is checked without editing this file. */
const EXAMPLES = readdirSync(EXAMPLES_DIR).filter((name) => existsSync(join(EXAMPLES_DIR, name, "migrations")));

const temporaryDirs: string[] = [];
afterAll(() => Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "auth-d1-drift-"));
  temporaryDirs.push(dir);
  return dir;
}

/** Every file below `dir` with its bytes, keyed by its path relative to `dir`. */
async function filesIn(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = new Map<string, Buffer>();
  for (const entry of entries.filter((e) => e.isFile())) {
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), await readFile(path));
  }
  return files;
}

async function shippedSQL(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith(".sql")).sort();
}

/**
 * `drizzle-kit generate` with the package's drizzle.config, writing into `<cwd>/migrations` instead of the
 * real folder. Its exit code says nothing (it exits 0 on a missing snapshot), so callers judge by files.
 */
async function drizzleKitGenerate(cwd: string): Promise<string> {
  const configPath = join(cwd, "drizzle.config.ts");
  const config = { ...drizzleConfig, schema: resolve(PACKAGE_ROOT, drizzleConfig.schema as string), out: "./migrations" };
  await writeFile(configPath, `export default ${JSON.stringify(config)};\n`);
  // An ambiguous change (a dropped column next to a new one) makes drizzle-kit ask on stdin: it gets none.
  const result = spawnSync(DRIZZLE_KIT, ["generate", "--config", configPath], { cwd, encoding: "utf8", input: "", timeout: 60_000 });
  return `${result.stdout}\n${result.stderr}`;
}

describe("drizzle.config.ts", () => {
  it("generates from src/schema.ts into migrations/", () => {
    expect(resolve(PACKAGE_ROOT, drizzleConfig.out!)).toBe(MIGRATIONS_DIR);
    expect(resolve(PACKAGE_ROOT, drizzleConfig.schema as string)).toBe(join(PACKAGE_ROOT, "src", "schema.ts"));
    expect(drizzleConfig.dialect).toBe("sqlite");
  });
});

describe("src/schema.ts and migrations/", () => {
  it("agree: drizzle-kit generate over a copy of migrations/ (journal and snapshots) adds nothing", async () => {
    const cwd = await temporaryDir();
    const copy = join(cwd, "migrations");
    await cp(MIGRATIONS_DIR, copy, { recursive: true });
    const before = await filesIn(copy);

    const output = await drizzleKitGenerate(cwd);
    const after = await filesIn(copy);

    const added = [...after.keys()].filter((file) => !before.has(file));
    const changed = [...before.keys()].filter((file) => !after.get(file)?.equals(before.get(file)!));
    const hint = `src/schema.ts and migrations/ differ: run \`pnpm --filter @acme/auth-d1 db:generate\`, review the new migration, then \`auth-d1 migrations\` in each example.\n${output}`;
    expect({ added, changed }, hint).toEqual({ added: [], changed: [] });
    expect(output, hint).toContain("No schema changes");
  }, 120_000);

  it("create the same tables: the shipped SQL applied in order equals SQL generated afresh from the schema", async () => {
    // Snapshots can be right while a .sql file was edited by hand; compare what the SQL actually builds.
    const cwd = await temporaryDir();
    const output = await drizzleKitGenerate(cwd);
    const fresh = [...(await filesIn(join(cwd, "migrations"))).entries()].filter(([file]) => file.endsWith(".sql"));
    expect(fresh, output).toHaveLength(1);

    const shipped = await Promise.all((await shippedSQL()).map((file) => readFile(join(MIGRATIONS_DIR, file), "utf8")));
    expect(describeSchema(shipped)).toEqual(describeSchema([fresh[0]![1].toString("utf8")]));
  }, 120_000);
});

it("finds the examples", () => {
  expect(EXAMPLES).toEqual(expect.arrayContaining(["hono-drizzle", "worker-kysely"]));
});

describe.each(EXAMPLES)("examples/%s/migrations", (example) => {
  const dir = join(EXAMPLES_DIR, example, "migrations");

  it("holds each shipped migration once, as `auth-d1 migrations` names it, byte for byte", async () => {
    const files = (await readdir(dir)).sort();
    for (const file of await shippedSQL()) {
      const copies = files.filter((name) => new RegExp(`^\\d{4}_auth-d1_${file.replace(".", "\\.")}$`).test(name));
      expect(copies, `${example} lacks ${file}: run \`pnpm exec auth-d1 migrations\` in examples/${example}`).toHaveLength(1);
      const same = (await readFile(join(dir, copies[0]!))).equals(await readFile(join(MIGRATIONS_DIR, file)));
      expect(same, `examples/${example}/migrations/${copies[0]} differs from packages/auth-d1/migrations/${file}`).toBe(true);
    }
  });

  it("has no auth-d1 migration the package no longer ships", async () => {
    const shipped = new Set(await shippedSQL());
    const stale = (await readdir(dir)).filter((name) => name.includes("_auth-d1_") && !shipped.has(name.replace(/^\d{4}_auth-d1_/, "")));
    expect(stale).toEqual([]);
  });
});

interface TableShape {
  columns: unknown[];
  indexes: unknown[];
  foreignKeys: unknown[];
}

/** Runs `scripts` on an empty SQLite database and describes every table by name, order-free. */
function describeSchema(scripts: string[]): Record<string, TableShape> {
  const db = new DatabaseSync(":memory:");
  try {
    for (const script of scripts) db.exec(script);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    const shapes: Record<string, TableShape> = {};
    for (const { name } of tables as { name: string }[]) {
      const byName = (a: any, b: any): number => String(a.name ?? a.from).localeCompare(String(b.name ?? b.from));
      const columns = db.prepare(`PRAGMA table_xinfo(\`${name}\`)`).all().map(({ cid: _cid, ...column }) => column).sort(byName);
      const indexes = db
        .prepare(`PRAGMA index_list(\`${name}\`)`)
        .all()
        .map(({ seq: _seq, ...index }) => ({ ...index, columns: db.prepare(`PRAGMA index_info(\`${index.name}\`)`).all().map((c) => c.name) }))
        .sort(byName);
      const foreignKeys = db.prepare(`PRAGMA foreign_key_list(\`${name}\`)`).all().map(({ id: _id, seq: _seq, ...key }) => key).sort(byName);
      shapes[name] = { columns, indexes, foreignKeys };
    }
    return shapes;
  } finally {
    db.close();
  }
}
