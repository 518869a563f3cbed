/**
 * What a unit of work knows of the schema, from the adapter: each table's columns and unique keys.
 *
 * @module
 */

/** What the unit knows of a table from the adapter's schema. */
export interface TableShape {
  /** Every column, for rebuilding the row of an `INSERT ... RETURNING *` (Kysely's form) and telling whole rows. */
  columns: readonly string[];
  /** The columns besides `id` that identify at most one row: a write keyed by one is answered from a row read. */
  unique: readonly string[];
}

/** Each table of the schema, by its name in lower case. */
export type TableCatalog = ReadonlyMap<string, TableShape>;

/**
 * What D1 gives back for a bound value: booleans become 0 and 1, `undefined` becomes NULL.
 *
 * @example
 * ```ts
 * storedValue(true); // 1
 * ```
 */
export function storedValue(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value ?? null;
}
