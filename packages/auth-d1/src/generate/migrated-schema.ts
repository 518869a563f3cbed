/**
 * What a folder of D1 migrations creates: the files run in order on an empty in-memory SQLite (Node's own
 * `node:sqlite`), then read back through PRAGMAs. No SQL parser to keep in step with what people write.
 *
 * @module
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** A column as SQLite reports it. */
export interface MigratedColumn {
  name: string;
  /** The declared type, lower case (`text`, `integer`, `varchar(255)`). */
  type: string;
  notNull: boolean;
  hasDefault: boolean;
}

/** A table as SQLite reports it. */
export interface MigratedTable {
  name: string;
  columns: MigratedColumn[];
  /** Every index, including the ones UNIQUE constraints and primary keys create. */
  indexes: Array<{ name: string; columns: string[]; unique: boolean }>;
}

/** The `.sql` files of `dir` in the order Wrangler applies them; none when the folder does not exist. */
export async function migrationFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((file) => file.endsWith(".sql")).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/**
 * Applies every migration in `dir` to an empty database and describes the tables they leave, by name.
 *
 * @example
 * ```ts
 * const tables = await migratedSchema("migrations");
 * tables.get("user")?.columns.map((c) => c.name); // ["id", "name", "email", ...]
 * ```
 */
export async function migratedSchema(dir: string): Promise<Map<string, MigratedTable>> {
  const { DatabaseSync } = await loadSQLite();
  const db = new DatabaseSync(":memory:");
  try {
    for (const file of await migrationFiles(dir)) {
      try {
        db.exec(await readFile(join(dir, file), "utf8"));
      } catch (error) {
        throw new Error(`[auth-d1] ${join(dir, file)} does not run on SQLite (${(error as Error).message}). Fix the file, then run auth-d1 generate again.`, { cause: error });
      }
    }
    const tables = new Map<string, MigratedTable>();
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'").all();
    for (const { name } of names as Array<{ name: string }>) {
      const quoted = `"${name.replaceAll('"', '""')}"`;
      const columns = (db.prepare(`PRAGMA table_info(${quoted})`).all() as Array<{ name: string; type: string; notnull: number; dflt_value: unknown; pk: number }>).map(
        (column) => ({ name: column.name, type: column.type.toLowerCase(), notNull: column.notnull === 1 || column.pk === 1, hasDefault: column.dflt_value !== null }),
      );
      const indexes = (db.prepare(`PRAGMA index_list(${quoted})`).all() as Array<{ name: string; unique: number }>).map((index) => ({
        name: index.name,
        unique: index.unique === 1,
        columns: (db.prepare(`PRAGMA index_info("${index.name.replaceAll('"', '""')}")`).all() as Array<{ name: string }>).map((c) => c.name),
      }));
      tables.set(name, { name, columns, indexes });
    }
    return tables;
  } finally {
    db.close();
  }
}

// getBuiltinModule, not import(): the bundler drops the `node:` prefix, and `sqlite` alone names no module.
async function loadSQLite(): Promise<typeof import("node:sqlite")> {
  const sqlite = process.getBuiltinModule("node:sqlite");
  if (sqlite === undefined) {
    throw new Error(`[auth-d1] auth-d1 generate reads migrations with node:sqlite, which this Node.js (${process.version}) lacks: use Node.js 22.13 or later.`);
  }
  return sqlite;
}
