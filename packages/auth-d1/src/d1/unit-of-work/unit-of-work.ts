/**
 * A unit of work on a D1 binding: D1 has no interactive transactions, but `batch()` runs its statements as
 * one. The unit gives an ORM a binding of its own on which writes are held back and sent together at the end.
 * This module is the facade; the parts are the write set (what it will write), the read set (what it read),
 * the overlay (reads that see held rows), the answers (what it answers without D1), the write guard and the
 * commit. docs/architecture.md draws how they fit.
 *
 * @module
 */
import type { D1DatabaseBinding } from "../../env.js";
import { classify, type SelectStatement } from "../sql/classify.js";
import { heldAnswer, heldWrite, insertedRow, rebuiltRow, type HeldWrite } from "./answers.js";
import type { TableCatalog } from "./catalog.js";
import { commitOnce } from "./commit-once.js";
import { overlaid } from "./overlay.js";
import { ReadSet } from "./read-set.js";
import { WRITE_GUARD } from "./write-guard.js";
import { WriteSet, type ChangedRow } from "./write-set.js";

/** An open unit: the binding to run the flow on, and the two ways it ends. */
export interface UnitOfWork {
  /** A D1 binding whose writes are held until {@link UnitOfWork.commit}. */
  binding: D1DatabaseBinding;
  /** Sends every held write in one `batch()`: all of them land, or none. */
  commit(): Promise<void>;
  /** Drops every held write; nothing of the unit reaches D1 that had not already. */
  discard(): void;
}

interface RealStatement {
  bind(...params: unknown[]): RealStatement;
  all(): Promise<D1Outcome>;
  raw(): Promise<unknown[][]>;
}

interface D1Outcome {
  results: Record<string, unknown>[];
  success: boolean;
  meta: Record<string, unknown>;
}

/** A prefix no column of ours has, for the new values an UPDATE's read computes. */
const NEW_VALUE = "__auth_d1_new_";

/**
 * Opens a unit on `database`. Inside it, a SELECT runs at once, and sees the rows the unit holds (they are
 * laid over their tables in a CTE); a plain single-row INSERT is held and answered with the row rebuilt from
 * its bound values; an UPDATE or DELETE is held once a read finds the rows it changes; any statement the unit
 * does not understand goes out at once in one batch with everything held (a flush: from there on, what was
 * held is committed, and atomicity covers only what follows).
 *
 * @example
 * ```ts
 * const unit = openUnitOfWork(env.DB);
 * try {
 *   await drizzle(unit.binding).insert(user).values(row);
 *   await unit.commit();
 * } catch (error) {
 *   unit.discard();
 *   throw error;
 * }
 * ```
 */
export function openUnitOfWork(database: D1DatabaseBinding, catalog: TableCatalog = new Map()): UnitOfWork {
  const writes = new WriteSet();
  const reads = new ReadSet();
  let open = true;
  // The first D1 call of the unit that failed: the unit then ends without committing.
  let failure: { error: unknown } | undefined;

  const real = (sql: string, params: readonly unknown[]): RealStatement => (database.prepare(sql) as RealStatement).bind(...params);

  function ensureOpen(): void {
    if (!open) throw new Error("[auth-d1] This unit of work has ended: run queries inside the transaction callback, not after it.");
  }

  /** Every held write, with what the unit read forgotten: both are on their way to D1. */
  function take(): ReturnType<WriteSet["take"]> {
    reads.clear();
    return writes.take();
  }

  /** Sends everything held, with `statement` last in the same batch when given. */
  async function flush(statement?: RealStatement): Promise<D1Outcome | undefined> {
    const { pending } = take();
    if (pending.length === 0) return statement?.all();
    const outcomes = (await database.batch(statement ? [...pending, statement] : pending)) as D1Outcome[];
    return statement ? outcomes.at(-1) : undefined;
  }

  /**
   * Holds an UPDATE or DELETE: the rows it changes are known from what the unit read, or found by a read that
   * sees what the unit holds; the unit shows them changed to later reads, and the write itself goes out with the
   * commit, followed by its guard when the flow was handed its rows. `undefined` when the rows cannot be found.
   */
  async function holdWrite(write: HeldWrite, sql: string, params: readonly unknown[]): Promise<D1Outcome | undefined> {
    let found = reads.knownRows(write, params, writes, catalog);
    if (!found) {
      const computed = write.assignments.map((a, i) => `, (${a.expression}) AS "${NEW_VALUE}${i}"`).join("");
      const read = overlaid(`SELECT *${computed} FROM "${write.table}" WHERE ${write.where}`, params, new Set([write.table]), writes, catalog);
      if (!read) return undefined;
      found = (await real(read.sql, read.params).all()).results.map(changedRow);
    }
    if (found.some((row) => row.before.id === undefined)) return undefined;
    const statements = write.returning === undefined ? [real(sql, params)] : [real(sql, params), real(WRITE_GUARD, [found.length])];
    const after = writes.holdChange(write.table, { kind: write.kind, columns: write.assignments.map((a) => a.column) }, found, statements);
    const columns = write.returning === "*" ? [...(catalog.get(write.table)?.columns ?? Object.keys(after[0] ?? {}))] : (write.returning ?? []);
    const results = write.returning === undefined ? [] : after.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null])));
    return { results, success: true, meta: { changes: found.length, rows_written: found.length, duration: 0 } };
  }

  /** Runs a read so it sees what the unit holds, and keeps what it returned; `undefined` when only a flush can. */
  async function read(statement: SelectStatement, sql: string, params: readonly unknown[]): Promise<D1Outcome | undefined> {
    const overlay = overlaid(sql, params, statement.tables, writes, catalog);
    if (!overlay) return undefined;
    const outcome = await real(overlay.sql, overlay.params).all();
    reads.remember(statement.plain, params, outcome.results, catalog);
    return outcome;
  }

  async function execute(sql: string, params: readonly unknown[]): Promise<D1Outcome> {
    ensureOpen();
    const statement = classify(sql);
    if (statement.kind === "select") {
      const answer = heldAnswer(statement, params, writes, catalog);
      if (answer) return { results: answer.rows.map((row) => Object.fromEntries(answer.columns.map((c, i) => [c, row[i]]))), success: true, meta: {} };
      return (await read(statement, sql, params)) ?? (await flush(real(sql, params)))!;
    }
    const insert = insertedRow(statement, params);
    if (insert) {
      const row = rebuiltRow(insert, catalog);
      if (row === undefined) return (await flush(real(sql, params)))!;
      writes.holdInsert(insert.table, insert.row, real(sql, params));
      return { results: row ? [row] : [], success: true, meta: { changes: 1, rows_written: 1, duration: 0 } };
    }
    const write = heldWrite(statement, params);
    const outcome = write === undefined ? undefined : await holdWrite(write, sql, params);
    return outcome ?? (await flush(real(sql, params)))!;
  }

  /** `raw()`: column order and duplicate names (joins) only survive D1's own raw(). */
  async function executeRaw(sql: string, params: readonly unknown[]): Promise<unknown[][]> {
    ensureOpen();
    const statement = classify(sql);
    if (statement.kind === "select") {
      const answer = heldAnswer(statement, params, writes, catalog);
      if (answer) return answer.rows;
      const overlay = overlaid(sql, params, statement.tables, writes, catalog);
      if (!overlay) {
        await flush();
        return real(sql, params).raw();
      }
      const values = await real(overlay.sql, overlay.params).raw();
      const columns = statement.plain?.columns;
      if (Array.isArray(columns)) reads.remember(statement.plain, params, values.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))), catalog);
      return values;
    }
    const insert = insertedRow(statement, params);
    const row = insert && rebuiltRow(insert, catalog);
    if (row && Array.isArray(insert!.returning)) {
      await execute(sql, params);
      return [insert!.returning.map((column) => row[column])];
    }
    const write = insert ? undefined : heldWrite(statement, params);
    if (write && Array.isArray(write.returning)) {
      const outcome = await holdWrite(write, sql, params);
      if (outcome) return outcome.results.map((held) => (write.returning as string[]).map((column) => held[column]));
    }
    // A write sent at once goes out in the same batch as what is held, as execute() sends it: sending the
    // held rows first and the write after would split the unit in two commits. Its RETURNING row comes
    // back as an object whose keys keep the statement's column order (one table, no duplicate names).
    const outcome = (await flush(real(sql, params)))!;
    return outcome.results.map((result) => Object.values(result));
  }

  /**
   * `call` with its failure remembered: a unit one of whose D1 calls failed never commits, even when the
   * flow caught the error and went on (better-auth's delete hooks swallow a failed read and skip the delete:
   * committing the rest would leave a user without an account, or two live sessions).
   */
  async function watched<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      failure ??= { error };
      throw error;
    }
  }

  function statement(sql: string, params: readonly unknown[]) {
    return {
      sql,
      params,
      bind: (...next: unknown[]) => statement(sql, next),
      all: () => watched(() => execute(sql, params)),
      run: () => watched(() => execute(sql, params)),
      first: (column?: string) =>
        watched(async () => {
          const row = (await execute(sql, params)).results[0];
          if (row === undefined) return null;
          return column === undefined ? row : row[column];
        }),
      raw: () => watched(() => executeRaw(sql, params)),
    };
  }

  const binding: D1DatabaseBinding = {
    prepare: (sql: string) => statement(sql, []),
    batch: (statements: unknown[]) =>
      watched(async () => {
        ensureOpen();
        const { pending } = take();
        const list = statements.map((s) => {
          const { sql, params } = s as { sql?: string; params?: unknown[] };
          if (sql === undefined) throw new Error("[auth-d1] A unit of work's batch() takes statements prepared on its own binding.");
          return real(sql, params ?? []);
        });
        return (await database.batch([...pending, ...list])).slice(pending.length);
      }),
    exec: (query: string) =>
      watched(async () => {
        ensureOpen();
        await flush();
        return database.exec(query);
      }),
  };

  return {
    binding,
    async commit() {
      ensureOpen();
      open = false;
      const { pending, marker } = take();
      if (failure) throw failure.error;
      if (pending.length > 0) await commitOnce(database, pending, marker);
    },
    discard() {
      open = false;
      take();
    },
  };
}

/** A row an UPDATE's read returned: the row as stored, and the new values under {@link NEW_VALUE} names. */
function changedRow(row: Record<string, unknown>): ChangedRow {
  const before = Object.fromEntries(Object.entries(row).filter(([column]) => !column.startsWith(NEW_VALUE)));
  const values = Object.keys(row)
    .filter((column) => column.startsWith(NEW_VALUE))
    .sort((a, b) => Number(a.slice(NEW_VALUE.length)) - Number(b.slice(NEW_VALUE.length)))
    .map((column) => row[column]);
  return { before, values };
}
