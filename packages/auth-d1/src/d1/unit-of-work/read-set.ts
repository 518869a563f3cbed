/**
 * What a unit of work has read: the stored rows it was given, so a write keyed to one of them can be held
 * without a read of its own (the commit's guard checks the row still matches).
 *
 * @module
 */
import type { PlainRead } from "../sql/classify.js";
import type { HeldWrite } from "./answers.js";
import { storedValue, type TableCatalog } from "./catalog.js";
import type { ChangedRow, WriteSet } from "./write-set.js";

/**
 * The rows a unit has read.
 *
 * @example
 * ```ts
 * reads.remember(read.plain, params, rows, catalog);
 * const known = reads.knownRows(write, params, writes, catalog); // undefined: read them first
 * ```
 */
export class ReadSet {
  /** Stored rows the unit has read, by table and id. */
  #seen = new Map<string, Map<unknown, Record<string, unknown>>>();
  /** What reads whose WHERE is equalities only returned, by table, columns and values ({@link resultKey}). */
  #results = new Map<string, Record<string, unknown>[]>();

  /**
   * Keeps what a plain read of one table returned: each row that carries its id, and, when the read's WHERE is
   * equalities only and every row is whole, the result itself: every row that matched, under the columns and
   * values it asked for. A later write with the same WHERE is then answered from it.
   */
  remember(read: PlainRead | undefined, params: readonly unknown[], results: readonly Record<string, unknown>[], catalog: TableCatalog): void {
    if (read === undefined || read.count !== undefined) return;
    const { table, equalities: terms } = read;
    const rows = this.#seen.get(table) ?? new Map<unknown, Record<string, unknown>>();
    this.#seen.set(table, rows);
    for (const row of results) if (row.id != null) rows.set(row.id, row);
    const every = catalog.get(table)?.columns;
    if (terms && terms.length === params.length && every && results.every((row) => row.id != null && every.every((c) => c in row))) {
      this.#results.set(resultKey(table, terms, params), [...results]);
    }
  }

  /**
   * The rows `write` changes, with each new value, when the unit already knows them: its WHERE is equalities
   * only, one on `id` or a unique column, every SET value is bound, and the row was read (or written) by the
   * unit. `undefined` otherwise.
   */
  knownRows(write: HeldWrite, params: readonly unknown[], writes: WriteSet, catalog: TableCatalog): ChangedRow[] | undefined {
    const terms = write.equalities;
    if (!terms || write.assignments.some((a) => a.expression !== "?")) return undefined;
    const where = params.slice(write.setParams);
    if (where.length !== terms.length) return undefined;
    const unique = new Set(["id", ...(catalog.get(write.table)?.unique ?? [])]);
    const byUniqueKey = terms.some((column) => unique.has(column));
    // Without a unique key, only a read with the very same WHERE says which rows match: all of them.
    const result = byUniqueKey ? undefined : this.#results.get(resultKey(write.table, terms, where));
    if (!byUniqueKey && !result) return undefined;
    const matches = (row: Record<string, unknown>) => terms.every((column, i) => row[column] !== undefined && row[column] === storedValue(where[i]));
    const held = writes.get(write.table);
    const isHeld = (row: Record<string, unknown>) => held?.rows.some((h) => h.get("id") === row.id) === true;
    // A stored row read with some of its columns only would leave the others NULL in what later reads see.
    const every = catalog.get(write.table)?.columns;
    const whole = (row: Record<string, unknown>) => every !== undefined && every.every((column) => column in row);
    // What the unit holds stands in for what it read of the same rows: changed, deleted or new since.
    const stored = result ?? [...(this.#seen.get(write.table)?.values() ?? [])];
    const candidates = [...(held?.rows ?? []).map((row) => Object.fromEntries(row)), ...stored.filter((row) => !held?.hidden.has(row.id) && !isHeld(row))];
    const found = candidates.filter(matches);
    if (byUniqueKey && found.length !== 1) return undefined;
    if (found.some((row) => !isHeld(row) && !whole(row))) return undefined;
    const columns = write.returning === "*" ? (catalog.get(write.table)?.columns ?? []) : (write.returning ?? []);
    if (write.returning === "*" && columns.length === 0) return undefined;
    if (found.some((row) => columns.some((column) => !(column in row) && !write.assignments.some((a) => a.column === column)))) return undefined;
    const values = write.assignments.map((_, i) => storedValue(params[i]));
    return found.map((before) => ({ before, values }));
  }

  /** Forgets everything: the unit flushed, and what it read may have changed since. */
  clear(): void {
    this.#seen = new Map();
    this.#results = new Map();
  }
}

/** The key of a read's result: its table and the columns and values its WHERE asks for, in order. */
function resultKey(table: string, columns: readonly string[], values: readonly unknown[]): string {
  return JSON.stringify([table, columns, values.map(storedValue)]);
}
