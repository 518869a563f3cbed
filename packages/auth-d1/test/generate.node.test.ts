// `auth-d1 generate`: in process through generate() for the plans, and as users run it (dist/cli.js) for
// the config loading, the exit codes and what it prints.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements } from "better-auth/plugins/organization/access";
import { phoneNumber } from "better-auth/plugins/phone-number";
import { username } from "better-auth/plugins/username";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { copyMigrations, SHIPPED_MIGRATIONS_DIR } from "../src/copy-migrations.js";
import { generate } from "../src/generate/generate.js";
import * as presets from "../src/presets/index.js";
import { passkey } from "../src/presets/passkey.js";
import { ensureBuilt, PACKAGE_ROOT } from "./fixtures/built-package.js";

const CLI = join(PACKAGE_ROOT, "dist", "cli.js");
const FIXTURE = join(PACKAGE_ROOT, "test", "fixtures", "plugins");
const DOCS_SCRIPTS = join(PACKAGE_ROOT, "..", "..", "docs", "scripts");
const ac = createAccessControl(defaultStatements);
/** Every preset with every table it can add: what the shipped migrations are for. */
const allPresets = {
  plugins: [presets.twoFactor(), presets.organization({ ac, teams: { enabled: true }, dynamicAccessControl: { enabled: true } }), presets.admin(), passkey(), presets.jwt()],
};

const temporaryDirs: string[] = [];
afterEach(async () => {
  await Promise.all(temporaryDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "auth-d1-generate-"));
  temporaryDirs.push(dir);
  return dir;
}

/** A Worker's migrations folder after `auth-d1 migrations`: the shipped files, renumbered. */
async function workerMigrations(): Promise<string> {
  const dir = await temporaryDir();
  await copyMigrations(dir);
  return dir;
}

async function sqlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((file) => file.endsWith(".sql")).sort();
}

describe("the shipped migrations", () => {
  it("are current for every preset: generate over them has nothing to do", async () => {
    const dir = await workerMigrations();
    const before = await sqlFiles(dir);
    const { plan, migration } = await generate(allPresets, { out: dir });
    expect(plan).toMatchObject({ statements: [], unsafe: [] });
    expect(migration).toBeUndefined();
    expect(await sqlFiles(dir)).toEqual(before);
  });

  it("create what generate writes for every preset into an empty folder (defaults aside)", async () => {
    const dir = await temporaryDir();
    const { migration } = await generate(allPresets, { out: dir });
    expect(migration).toBe("0001_auth_schema.sql");
    const shipped = await Promise.all((await sqlFiles(SHIPPED_MIGRATIONS_DIR)).map((file) => readFile(join(SHIPPED_MIGRATIONS_DIR, file), "utf8")));
    expect(describeSchema([await readFile(join(dir, migration!), "utf8")])).toEqual(describeSchema(shipped));
  });
});

describe("generate()", () => {
  it("writes exactly the delta after an options change, and nothing when run again", async () => {
    const dir = await workerMigrations();
    const first = await generate({ plugins: [username()] }, { out: dir });
    expect(first.migration).toBe("0003_auth_schema.sql");
    expect(first.plan.changes).toEqual([
      "+ column user.username (text, string, unique)",
      "+ unique index user_username_unique on user (username)",
      "+ column user.display_username (text, string)",
    ]);

    const second = await generate({ plugins: [username(), phoneNumber({ sendOTP: () => {} })] }, { out: dir });
    expect(second.migration).toBe("0004_auth_schema.sql");
    expect(second.plan.statements).toEqual([
      "ALTER TABLE `user` ADD `phone_number` text;",
      "CREATE UNIQUE INDEX `user_phone_number_unique` ON `user` (`phone_number`);",
      "ALTER TABLE `user` ADD `phone_number_verified` integer;",
    ]);

    const again = await generate({ plugins: [username(), phoneNumber({ sendOTP: () => {} })] }, { out: dir });
    expect(again.migration).toBeUndefined();
    expect(again.plan.statements).toEqual([]);
    expect(await sqlFiles(dir)).toEqual(["0001_auth-d1_0000_init.sql", "0002_auth-d1_0001_presets.sql", "0003_auth_schema.sql", "0004_auth_schema.sql"]);
  });

  it("refuses a type change and a required column the options no longer write, writing nothing", async () => {
    const dir = await workerMigrations();
    await writeFile(join(dir, "0003_mine.sql"), "ALTER TABLE `user` ADD `username` integer;\nALTER TABLE `user` ADD `legacy_code` text NOT NULL DEFAULT 'x';\nALTER TABLE `session` ADD `device` text;\n");
    await writeFile(join(dir, "0004_mine.sql"), "CREATE TABLE `t` (`id` text);\nALTER TABLE `account` ADD `tenant` text NOT NULL DEFAULT '';\n");
    // A NOT NULL column without a default cannot be added by ALTER, so a rebuilt table stands in for it.
    await writeFile(join(dir, "0005_mine.sql"), "DROP TABLE `verification`;\nCREATE TABLE `verification` (`id` text PRIMARY KEY NOT NULL, `identifier` text NOT NULL, `value` text NOT NULL, `expires_at` text NOT NULL, `created_at` text NOT NULL, `updated_at` text NOT NULL, `purpose` text NOT NULL);\n");
    const before = await sqlFiles(dir);
    const { plan, migration } = await generate({ plugins: [username()] }, { out: dir });
    expect(migration).toBeUndefined();
    expect(plan.unsafe).toEqual([
      expect.stringMatching(/^user\.username is integer .* stored as text\. SQLite cannot change a column's type in place/),
      expect.stringMatching(/^verification\.purpose is NOT NULL without a default, and the options no longer write it/),
    ]);
    expect(await sqlFiles(dir)).toEqual(before);
  });

  it("refuses to add a required field without a constant default to an existing table", async () => {
    const dir = await workerMigrations();
    const { plan } = await generate({ user: { additionalFields: { tenantId: { type: "string", required: true } } } }, { out: dir });
    expect(plan.unsafe).toEqual([expect.stringContaining("user.tenantId is required and has no constant defaultValue")]);
  });
});

describe("auth-d1 generate (dist/cli.js)", () => {
  beforeAll(ensureBuilt, 120_000);

  function runCLI(args: string[], cwd: string = PACKAGE_ROOT): SpawnSyncReturns<string> {
    return spawnSync(process.execPath, [CLI, "generate", ...args], { cwd, encoding: "utf8" });
  }

  it("loads a TypeScript config and writes the committed fixture, byte for byte (migration and Drizzle module)", async () => {
    const dir = await workerMigrations();
    const drizzleFile = join(await temporaryDir(), "auth-schema.ts");
    const result = runCLI(["--config", "test/fixtures/plugins/auth.config.ts", "--out", dir, "--drizzle", drizzleFile]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`[auth-d1] wrote ${dir}/0003_auth_schema.sql:\n  + column user.username (text, string, unique)`);
    const regenerate = "run `pnpm exec auth-d1 generate --config test/fixtures/plugins/auth.config.ts --out <a folder with the shipped migrations> --drizzle test/fixtures/plugins/auth-schema.ts` in packages/auth-d1";
    expect(await readFile(join(dir, "0003_auth_schema.sql"), "utf8"), regenerate).toBe(await readFile(join(FIXTURE, "migrations", "0003_auth_schema.sql"), "utf8"));
    expect(await readFile(drizzleFile, "utf8"), regenerate).toBe(await readFile(join(FIXTURE, "auth-schema.ts"), "utf8"));
  });

  it("--check exits 1 with the changes on a stale folder, writing nothing, and 0 on a current one", async () => {
    const dir = await workerMigrations();
    const stale = runCLI(["--config", "test/fixtures/plugins/auth.config.ts", "--out", dir, "--check"]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain(`${dir} lags the options; npx auth-d1 generate --config test/fixtures/plugins/auth.config.ts --out ${dir} would write 0003_auth_schema.sql:`);
    expect(stale.stderr).toContain("+ table wallet_address (user_id, address, chain_id, is_primary, created_at)");
    expect(await sqlFiles(dir)).toHaveLength(2);

    await copyFile(join(FIXTURE, "migrations", "0003_auth_schema.sql"), join(dir, "0003_auth_schema.sql"));
    const current = runCLI(["--config", "test/fixtures/plugins/auth.config.ts", "--out", dir, "--check", "--drizzle", join(FIXTURE, "auth-schema.ts")]);
    expect(current.stderr).toBe("");
    expect(current.stdout).toBe(`[auth-d1] ${dir} is current with the options.\n`);
    expect(current.status).toBe(0);
  });

  it("says so and writes nothing when there is nothing to do; exits 1 and explains an unsafe change", async () => {
    const dir = await workerMigrations();
    const cwd = await temporaryDir();
    const nothing = runCLI(["--out", dir], cwd);
    expect(nothing.status).toBe(0);
    expect(nothing.stdout).toContain(`[auth-d1] nothing to do: ${dir} already creates every table and column these options need.`);
    expect(await sqlFiles(dir)).toHaveLength(2);

    await writeFile(join(cwd, "auth.config.mjs"), "export default { user: { additionalFields: { tenantId: { type: 'string' } } } };\n");
    const unsafe = runCLI(["--out", dir], cwd);
    expect(unsafe.status).toBe(1);
    expect(unsafe.stderr).toContain("cannot be brought up to these options by adding tables and columns; nothing was written:");
    expect(unsafe.stderr).toContain("user.tenantId is required");
  });

  it("wrote docs/scripts/auth-schema.ts, docs/plugins.md's Drizzle module, for docs/scripts/auth.config.ts", async () => {
    // Inside the package, so the config's imports resolve as they do in a user's project.
    const cwd = await mkdtemp(join(PACKAGE_ROOT, ".generate-"));
    temporaryDirs.push(cwd);
    await copyFile(join(DOCS_SCRIPTS, "auth.config.ts"), join(cwd, "auth.config.ts"));
    await copyMigrations(join(cwd, "migrations"));
    const result = runCLI(["--drizzle", "auth-schema.ts"], cwd);
    expect(result.status, result.stderr).toBe(0);
    expect(await readFile(join(cwd, "auth-schema.ts"), "utf8"), "regenerate docs/scripts/auth-schema.ts with auth-d1 generate --drizzle").toBe(
      await readFile(join(DOCS_SCRIPTS, "auth-schema.ts"), "utf8"),
    );
  });

  it("rejects an unknown flag with the usage", () => {
    const result = runCLI(["--outt", "x"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("usage: auth-d1 migrations [dir]");
  });
});

/** Tables, columns (type, NOT NULL), indexes and foreign keys the scripts create; defaults are left out. */
function describeSchema(scripts: string[]): Record<string, unknown> {
  const db = new DatabaseSync(":memory:");
  try {
    for (const script of scripts) db.exec(script);
    const shapes: Record<string, unknown> = {};
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
    for (const { name } of tables) {
      const columns = db.prepare(`PRAGMA table_info(\`${name}\`)`).all().map((c) => `${c.name} ${c.type} ${c.notnull ? "not null" : "null"}${c.pk ? " pk" : ""}`);
      const indexes = db
        .prepare(`PRAGMA index_list(\`${name}\`)`)
        .all()
        .map((i) => `${i.unique ? "unique " : ""}${(db.prepare(`PRAGMA index_info(\`${i.name}\`)`).all() as Array<{ name: string }>).map((c) => c.name).join(",")}`);
      const foreignKeys = db.prepare(`PRAGMA foreign_key_list(\`${name}\`)`).all().map((k) => `${k.from} -> ${k.table}.${k.to} on delete ${k.on_delete}`);
      shapes[name] = { columns: columns.sort(), indexes: indexes.sort(), foreignKeys: foreignKeys.sort() };
    }
    return shapes;
  } finally {
    db.close();
  }
}
