/**
 * What a unit of work answers without D1: the row an INSERT returns, rebuilt from what it binds, and reads
 * that only the rows it holds can match. Also the shapes of the writes it can hold.
 *
 * @module
 */
import type { InsertStatement, SelectStatement, Statement, UpdateStatement } from "../sql/classify.js";
import { storedValue, type TableCatalog } from "./catalog.js";
import type { WriteSet } from "./write-set.js";

/** A single-row INSERT the unit can hold, with the row as D1 will store it. */
export type HeldInsert = InsertStatement & { row: Map<string, unknown> };

/**
 * `statement` as an INSERT the unit can hold: one row of bound values. `undefined` for any other statement,
 * or when the parameters do not match it.
 *
 * @example
 * ```ts
 * insertedRow(classify('insert into "user" ("id") values (?)'), ["u1"])?.row; // Map { "id" => "u1" }
 * ```
 */
export function insertedRow(statement: Statement, params: readonly unknown[]): HeldInsert | undefined {
  if (statement.kind !== "insert" || statement.params !== params.length) return undefined;
  const row = new Map<string, unknown>();
  let next = 0;
  statement.columns.forEach((column, i) => row.set(column, statement.values[i] === "param" ? storedValue(params[next++]) : null));
  return { ...statement, row };
}

/** An UPDATE or DELETE with a WHERE, as the unit holds it: a DELETE is an UPDATE that sets nothing. */
export interface HeldWrite {
  kind: "update" | "delete";
  table: string;
  assignments: UpdateStatement["assignments"];
  where: string;
  equalities: readonly string[] | undefined;
  setParams: number;
  returning: UpdateStatement["returning"];
}

/**
 * `statement` as a {@link HeldWrite}, or `undefined` for anything else, a write without WHERE, or parameters
 * that do not match it.
 *
 * @example
 * ```ts
 * heldWrite(classify('delete from "session" where "id" = ?'), ["s1"])?.kind; // "delete"
 * ```
 */
export function heldWrite(statement: Statement, params: readonly unknown[]): HeldWrite | undefined {
  if ((statement.kind !== "update" && statement.kind !== "delete") || statement.where === undefined || statement.params !== params.length) return undefined;
  const { kind, table, where, equalities, returning } = statement;
  return statement.kind === "update"
    ? { kind, table, where, equalities, returning, assignments: statement.assignments, setParams: statement.setParams }
    : { kind, table, where, equalities, returning, assignments: [], setParams: 0 };
}

/**
 * The row an INSERT returns, rebuilt from what it binds: `null` when it returns nothing, `undefined` when a
 * returned column was not bound (D1 would compute it: a default or an autoincrement id) or the table's
 * columns are unknown for `RETURNING *`.
 *
 * @example
 * ```ts
 * rebuiltRow(insertedRow(classify('insert into "user" ("id") values (?) returning "id"'), ["u1"])!, catalog); // { id: "u1" }
 * ```
 */
export function rebuiltRow(insert: HeldInsert, catalog: TableCatalog): Record<string, unknown> | null | undefined {
  if (insert.returning === undefined) return null;
  const columns = insert.returning === "*" ? catalog.get(insert.table)?.columns : insert.returning;
  if (!columns) return undefined;
  const row: Record<string, unknown> = {};
  for (const column of columns) {
    if (insert.row.has(column)) row[column] = insert.row.get(column);
    else if (insert.returning === "*" && column !== "id") row[column] = null;
    else return undefined;
  }
  return row;
}

/**
 * A plain read (or count) of one table whose WHERE is equalities, answered from the rows the unit holds
 * without a round trip when no stored row can match it, so the overlay's answer is the held rows alone:
 * - one term is an id of a row this unit inserted: made up by this request and not committed, no stored row
 *   holds it, and the rows that match are all held here (inserted, or changed to it, by the unit);
 * - one term is the table's `id`, equal to a row the unit changed or deleted: the overlay hides that stored
 *   row, so only the row the unit holds in its place (none, once deleted) can match. A flow that reads back
 *   the user it just deleted, to check it is gone, so costs nothing.
 * `undefined` when the read is of another shape, or a matching row lacks a column it asks for (a default D1
 * would fill in).
 *
 * @example
 * ```ts
 * const answer = heldAnswer(classify(sql) as SelectStatement, params, writes, catalog);
 * ```
 */
export function heldAnswer(read: SelectStatement, params: readonly unknown[], writes: WriteSet, catalog: TableCatalog): { columns: string[]; rows: unknown[][] } | undefined {
  if (!writes.holdsRows) return undefined;
  const shape = read.plain;
  if (!shape || shape.ordered) return undefined;
  const terms = shape.equalities;
  const values = shape.limited ? params.slice(0, -1) : params;
  if (!terms || terms.length !== values.length) return undefined;
  const table = writes.get(shape.table);
  const fresh = values.some((value) => writes.isFresh(value));
  const shadowed = terms.some((column, i) => column === "id" && table?.hidden.has(storedValue(values[i])));
  if (!fresh && !shadowed) return undefined;
  const matching = (table?.rows ?? []).filter((row) => terms.every((column, i) => row.get(column) === storedValue(values[i])));
  const limit = shape.limited ? Number(params.at(-1)) : Number.POSITIVE_INFINITY;
  const rows = matching.slice(0, Number.isFinite(limit) ? limit : undefined);
  if (shape.count !== undefined) return { columns: [shape.count], rows: [[matching.length]] };
  const columns = shape.columns === "*" ? catalog.get(shape.table)?.columns : shape.columns;
  if (rows.length === 0) return { columns: [...(columns ?? [])], rows: [] };
  if (!columns || rows.some((row) => columns.some((column) => !row.has(column)))) return undefined;
  return { columns: [...columns], rows: rows.map((row) => columns.map((column) => row.get(column))) };
}
