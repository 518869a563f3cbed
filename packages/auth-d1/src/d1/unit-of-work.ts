/**
 * A unit of work on a D1 binding: D1 has no interactive transactions, but `batch()` runs its statements as
 * one. The unit gives an ORM a binding of its own on which writes are held back and sent together at the end.
 *
 * @module
 */
import type { D1DatabaseBinding } from "../env.js";
import { insertShape, tablesRead, type InsertShape } from "./statement-shape.js";

/** The columns of each table, for rebuilding the row of an `INSERT ... RETURNING *` (Kysely's form). */
export type ColumnCatalog = ReadonlyMap<string, readonly string[]>;

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
  run(): Promise<D1Outcome>;
  raw(): Promise<unknown[][]>;
  first(column?: string): Promise<unknown>;
}

interface D1Outcome {
  results: Record<string, unknown>[];
  success: boolean;
  meta: Record<string, unknown>;
}

/**
 * Opens a unit on `database`. Inside it, a SELECT runs at once, and sees the rows the unit holds (they are
 * laid over their tables in a CTE); a plain single-row INSERT is held and answered with the row rebuilt from
 * its bound values; an UPDATE, a DELETE and any statement the unit does not understand go out at once in one
 * batch with everything held (a flush: from there on, what was held is committed, and atomicity covers only
 * what follows).
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
export function openUnitOfWork(database: D1DatabaseBinding, catalog: ColumnCatalog = new Map()): UnitOfWork {
  let queue: unknown[] = [];
  // The rows held for each table, so reads inside the unit see them.
  let held = new Map<string, Map<string, unknown>[]>();
  let open = true;

  const real = (sql: string, params: unknown[]): RealStatement => (database.prepare(sql) as RealStatement).bind(...params);

  function ensureOpen(): void {
    if (!open) throw new Error("[auth-d1] This unit of work has ended: run queries inside the transaction callback, not after it.");
  }

  /** Sends everything held, with `statement` last in the same batch when given. */
  async function flush(statement?: RealStatement): Promise<D1Outcome | undefined> {
    const pending = queue;
    queue = [];
    held = new Map();
    if (pending.length === 0) return statement?.all();
    const results = (await database.batch(statement ? [...pending, statement] : pending)) as D1Outcome[];
    return statement ? results.at(-1) : undefined;
  }

  /** The read to run so it sees the held rows, or `undefined` when only a flush can make it see them. */
  function readOf(sql: string, params: unknown[]): { sql: string; params: unknown[] } | undefined {
    const tables = tablesRead(sql)!;
    if (tables.size === 0 && held.size > 0) return undefined;
    const seen = [...tables].filter((table) => held.has(table));
    if (seen.length === 0) return { sql, params };
    return overlaid(sql, params, seen.map((table) => [table, held.get(table)!] as const), catalog);
  }

  async function execute(sql: string, params: unknown[]): Promise<D1Outcome> {
    ensureOpen();
    if (tablesRead(sql)) {
      const read = readOf(sql, params);
      return read ? real(read.sql, read.params).all() : (await flush(real(sql, params)))!;
    }
    const insert = insertShape(sql, params);
    const row = insert && rebuiltRow(insert, catalog);
    if (row === undefined) return (await flush(real(sql, params)))!;
    queue.push(real(sql, params));
    held.set(insert!.table, [...(held.get(insert!.table) ?? []), insert!.row]);
    return { results: row ? [row] : [], success: true, meta: { changes: 1, rows_written: 1, duration: 0 } };
  }

  function statement(sql: string, params: unknown[]) {
    return {
      sql,
      params,
      bind: (...next: unknown[]) => statement(sql, next),
      all: () => execute(sql, params),
      run: () => execute(sql, params),
      async first(column?: string) {
        const row = (await execute(sql, params)).results[0];
        if (row === undefined) return null;
        return column === undefined ? row : row[column];
      },
      async raw() {
        // Column order and duplicate names (joins) only survive D1's own raw().
        ensureOpen();
        if (tablesRead(sql)) {
          const read = readOf(sql, params);
          if (read) return real(read.sql, read.params).raw();
          await flush();
          return real(sql, params).raw();
        }
        const insert = insertShape(sql, params);
        const row = insert && rebuiltRow(insert, catalog);
        if (row && Array.isArray(insert!.returning)) {
          await execute(sql, params);
          return [insert!.returning.map((column) => row[column])];
        }
        // A write sent at once goes out in the same batch as what is held, as execute() sends it: sending the
        // held rows first and the write after would split the unit in two commits. Its RETURNING row comes
        // back as an object whose keys keep the statement's column order (one table, no duplicate names).
        const outcome = (await flush(real(sql, params)))!;
        return outcome.results.map((row) => Object.values(row));
      },
    };
  }

  const binding: D1DatabaseBinding = {
    prepare: (sql: string) => statement(sql, []),
    async batch(statements: unknown[]) {
      ensureOpen();
      const pending = queue;
      queue = [];
      held = new Map();
      const list = statements.map((s) => {
        const { sql, params } = s as { sql?: string; params?: unknown[] };
        if (sql === undefined) throw new Error("[auth-d1] A unit of work's batch() takes statements prepared on its own binding.");
        return real(sql, params ?? []);
      });
      return (await database.batch([...pending, ...list])).slice(pending.length);
    },
    async exec(query: string) {
      ensureOpen();
      await flush();
      return database.exec(query);
    },
  };

  return {
    binding,
    async commit() {
      ensureOpen();
      open = false;
      await flush();
    },
    discard() {
      open = false;
      queue = [];
      held = new Map();
    },
  };
}

/**
 * `sql` with each table in `tables` shadowed by a CTE of the same name: its stored rows and the rows the unit
 * holds for it. A read so sees the unit's inserts, with SQLite's own filters, joins and ordering, in one round
 * trip and without committing anything. `undefined` when the statement's own WITH clause is recursive.
 */
function overlaid(
  sql: string,
  params: unknown[],
  tables: ReadonlyArray<readonly [string, Map<string, unknown>[]]>,
  catalog: ColumnCatalog,
): { sql: string; params: unknown[] } | undefined {
  const text = sql.trim();
  if (/^with\s+recursive\b/i.test(text)) return undefined;
  const ctes: string[] = [];
  const cteParams: unknown[] = [];
  for (const [table, rows] of tables) {
    const columns = [...new Set([...(catalog.get(table) ?? []), ...rows.flatMap((row) => [...row.keys()])])];
    const list = columns.map((c) => `"${c}"`).join(", ");
    const values = rows.map((row) => `(${columns.map(() => "?").join(", ")})`).join(", ");
    for (const row of rows) for (const column of columns) cteParams.push(row.has(column) ? row.get(column) : null);
    ctes.push(`"${table}"(${list}) AS (SELECT ${list} FROM main."${table}" UNION ALL VALUES ${values})`);
  }
  // D1 binds at most 100 parameters to a statement: past that, only a flush can show the rows.
  if (cteParams.length + params.length > 100) return undefined;
  const rest = /^with\b/i.test(text) ? `, ${text.replace(/^with\s+/i, "")}` : ` ${text}`;
  return { sql: `WITH ${ctes.join(", ")}${rest}`, params: [...cteParams, ...params] };
}

/**
 * The row an INSERT returns, rebuilt from what it binds: `null` when it returns nothing, `undefined` when a
 * returned column was not bound (D1 would compute it: a default or an autoincrement id) or the table's
 * columns are unknown for `RETURNING *`.
 */
function rebuiltRow(insert: InsertShape, catalog: ColumnCatalog): Record<string, unknown> | null | undefined {
  if (insert.returning === undefined) return null;
  const columns = insert.returning === "*" ? catalog.get(insert.table) : insert.returning;
  if (!columns) return undefined;
  const row: Record<string, unknown> = {};
  for (const column of columns) {
    if (insert.row.has(column)) row[column] = insert.row.get(column);
    else if (insert.returning === "*" && column !== "id") row[column] = null;
    else return undefined;
  }
  return row;
}
