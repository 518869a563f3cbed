/**
 * Reads inside a unit of work see the rows it holds: each table they read is shadowed by a CTE of its stored
 * rows (less those the unit changed or deleted) and the unit's own.
 *
 * @module
 */
import type { TableCatalog } from "./catalog.js";
import type { WriteSet } from "./write-set.js";

/** D1 binds at most 100 parameters to a statement: past that, only a flush can show the rows. */
const D1_MAX_PARAMS = 100;

/**
 * The read to run so it sees the rows `writes` holds, or `undefined` when only a flush can make it see them:
 * `sql` with each table of `tables` the unit holds rows of shadowed by a CTE of the same name. A read so sees
 * the unit's writes, with SQLite's own filters, joins and ordering, in one round trip and without committing
 * anything. `sql` is a SELECT (a statement with a WITH clause of its own is opaque, never overlaid);
 * src/d1/sql/classify.ts reads this WITH clause back as a read of the tables it shadows.
 *
 * @example
 * ```ts
 * const read = overlaid('select * from "user" where "id" = ?', ["u1"], new Set(["user"]), writes, catalog);
 * ```
 */
export function overlaid(sql: string, params: readonly unknown[], tables: ReadonlySet<string>, writes: WriteSet, catalog: TableCatalog): { sql: string; params: unknown[] } | undefined {
  if (tables.size === 0 && writes.holdsRows) return undefined;
  const shadowed = [...tables].flatMap((table) => {
    const held = writes.get(table);
    return held === undefined ? [] : [[table, held] as const];
  });
  if (shadowed.length === 0) return { sql, params: [...params] };
  const ctes: string[] = [];
  const cteParams: unknown[] = [];
  for (const [table, { rows, hidden }] of shadowed) {
    const columns = [...new Set([...(catalog.get(table)?.columns ?? []), ...rows.flatMap((row) => [...row.keys()])])];
    // Without a known column list (a table the catalog lacks) and no rows to name them, the CTE takes them all.
    const list = columns.length > 0 ? columns.map((c) => `"${c}"`).join(", ") : "*";
    let body = `SELECT ${list} FROM main."${table}"`;
    if (hidden.size > 0) {
      body += ` WHERE "id" NOT IN (${[...hidden].map(() => "?").join(", ")})`;
      cteParams.push(...hidden);
    }
    if (rows.length > 0) {
      body += ` UNION ALL VALUES ${rows.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ")}`;
      for (const row of rows) for (const column of columns) cteParams.push(row.has(column) ? row.get(column) : null);
    }
    ctes.push(columns.length > 0 ? `"${table}"(${list}) AS (${body})` : `"${table}" AS (${body})`);
  }
  if (cteParams.length + params.length > D1_MAX_PARAMS) return undefined;
  return { sql: `WITH ${ctes.join(", ")} ${sql.trim()}`, params: [...cteParams, ...params] };
}
