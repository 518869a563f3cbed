/**
 * What a unit of work will write: the statements it holds for its commit, and the rows they write, table by
 * table, so reads inside the unit can see them (./overlay.ts, ./answers.ts).
 *
 * @module
 */
import type { CommitMarker } from "./commit-once.js";

/** What the unit holds for one table: its new and changed rows, and the stored rows they shadow. */
export interface HeldTable {
  /** Rows the unit inserted or changed, as they will be once it commits. */
  rows: Map<string, unknown>[];
  /** Ids of stored rows the unit changed or deleted: reads see `rows` in their place, or nothing. */
  hidden: Set<unknown>;
}

/** A row a held UPDATE or DELETE changes: the row before, and for an UPDATE each SET column's new value. */
export interface ChangedRow {
  before: Record<string, unknown>;
  /** The new value of each assignment, in the SET list's order (none for a DELETE). */
  values: readonly unknown[];
}

/**
 * The held statements and rows of one unit.
 *
 * @example
 * ```ts
 * const writes = new WriteSet();
 * writes.holdInsert("user", row, statement);
 * const { pending, marker } = writes.take(); // for the commit
 * ```
 */
export class WriteSet {
  /** The statements to send in the commit's batch, in order. */
  #statements: unknown[] = [];
  #tables = new Map<string, HeldTable>();
  /** Ids of the rows this unit inserted: made up by this request, so no stored row holds one. */
  #fresh = new Set<unknown>();
  /** The first statement's insert, when it inserts a row with its own id: what makes a commit safe to send again. */
  #marker: CommitMarker | undefined;

  /** What the unit holds for `table`, if anything. */
  get(table: string): HeldTable | undefined {
    return this.#tables.get(table);
  }

  /** Whether the unit holds rows of any table. */
  get holdsRows(): boolean {
    return this.#tables.size > 0;
  }

  /** Whether `id` is the id of a row this unit inserted. */
  isFresh(id: unknown): boolean {
    return this.#fresh.has(id);
  }

  /** Holds a single-row INSERT of `row` into `table`. */
  holdInsert(table: string, row: Map<string, unknown>, statement: unknown): void {
    const id = row.get("id");
    if (id != null) {
      this.#fresh.add(id);
      if (this.#statements.length === 0) this.#marker = { table, id };
    }
    this.#statements.push(statement);
    this.#held(table).rows.push(row);
  }

  /**
   * Holds an UPDATE (setting `columns` to each row's `values`) or a DELETE of `rows` of `table`, and the
   * statements that make it; returns the rows as they will be (an UPDATE), or as they were (a DELETE).
   */
  holdChange(table: string, change: { kind: "update" | "delete"; columns: readonly string[] }, rows: readonly ChangedRow[], statements: readonly unknown[]): Record<string, unknown>[] {
    const held = this.#held(table);
    const after = rows.map(({ before, values }) => {
      const next = new Map(Object.entries(before));
      change.columns.forEach((column, i) => next.set(column, values[i]));
      const mine = held.rows.findIndex((row) => row.get("id") === before.id);
      if (mine >= 0) held.rows.splice(mine, 1);
      // Hidden even when the row is the unit's own: a result read earlier may still list it.
      held.hidden.add(before.id);
      if (change.kind === "update") held.rows.push(next);
      return change.kind === "update" ? Object.fromEntries(next) : before;
    });
    this.#statements.push(...statements);
    return after;
  }

  /** Holds `statement` for the commit without rows of its own (a guard). */
  holdStatement(statement: unknown): void {
    this.#statements.push(statement);
  }

  /** Every held statement and the commit's marker, leaving the set empty: they are on their way to D1. */
  take(): { pending: unknown[]; marker: CommitMarker | undefined } {
    const taken = { pending: this.#statements, marker: this.#marker };
    this.#statements = [];
    this.#tables = new Map();
    this.#fresh = new Set();
    this.#marker = undefined;
    return taken;
  }

  #held(table: string): HeldTable {
    const held = this.#tables.get(table) ?? { rows: [], hidden: new Set() };
    this.#tables.set(table, held);
    return held;
  }
}
