/**
 * A unit of work on a D1 binding: D1 has no interactive transactions, but `batch()` runs its statements as
 * one. The unit gives an ORM a binding of its own on which writes are held back and sent together at the end.
 *
 * @module
 */
import type { D1DatabaseBinding } from "../env.js";
import { errorText, isTransientD1Error } from "./retry.js";
import { classify, type InsertStatement, type SelectStatement, type UpdateStatement } from "./sql/classify.js";

/** What the unit knows of a table from the adapter's schema. */
export interface TableShape {
  /** Every column, for rebuilding the row of an `INSERT ... RETURNING *` (Kysely's form) and telling whole rows. */
  columns: readonly string[];
  /** The columns besides `id` that identify at most one row: a write keyed by one is answered from a row read. */
  unique: readonly string[];
}

/** Each table of the schema, by its name in lower case. */
export type TableCatalog = ReadonlyMap<string, TableShape>;

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

/** What the unit holds for one table: its new and changed rows, and the stored rows they shadow. */
interface HeldTable {
  /** Rows the unit inserted or changed, as they will be once it commits. */
  rows: Map<string, unknown>[];
  /** Ids of stored rows the unit changed or deleted: reads see `rows` in their place, or nothing. */
  hidden: Set<unknown>;
}

/**
 * Sent after a held write whose rows the flow was given (it has RETURNING): the batch fails (`json()` of a
 * string that is not JSON) unless the write changed exactly as many rows as it was answered with. Another
 * request that consumed the token, took the seat or deleted the row first so undoes the whole unit.
 */
const GUARD = "SELECT json(CASE WHEN changes() = ? THEN '0' ELSE 'auth-d1 write conflict' END)";

/** Whether `error` is a held write's guard refusing the commit: another request changed its rows first. */
export function isWriteConflict(error: unknown): boolean {
  return /malformed JSON/i.test(errorText(error));
}

/** A prefix no column of ours has, for the new values an UPDATE's read computes. */
const NEW_VALUE = "__auth_d1_new_";

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
export function openUnitOfWork(database: D1DatabaseBinding, catalog: TableCatalog = new Map()): UnitOfWork {
  let queue: unknown[] = [];
  // The rows held for each table, so reads inside the unit see them.
  let held = new Map<string, HeldTable>();
  let open = true;
  // The table of the queue's first statement when it inserts a row with its own id: what makes a commit safe
  // to send again (see commitOnce).
  let firstInsert: { table: string; id: unknown } | undefined;
  // The first D1 call of the unit that failed: the unit then ends without committing.
  let failure: { error: unknown } | undefined;
  // Stored rows the unit has read, by table and id: an UPDATE or DELETE of one of them by a unique key, with
  // plain values, is answered from it without a read of its own (the commit's guard checks it still matches).
  let seen = new Map<string, Map<unknown, Record<string, unknown>>>();
  // What reads whose WHERE is equalities only returned, by table, columns and values (see resultKey).
  let results = new Map<string, Record<string, unknown>[]>();
  // Ids of the rows this unit inserted: made up by this request, so no stored row holds one (see heldAnswer).
  let freshIds = new Set<unknown>();

  const real = (sql: string, params: unknown[]): RealStatement => (database.prepare(sql) as RealStatement).bind(...params);

  function ensureOpen(): void {
    if (!open) throw new Error("[auth-d1] This unit of work has ended: run queries inside the transaction callback, not after it.");
  }

  /** The held writes, and the first one's insert, with everything the unit knew dropped: they are leaving. */
  function takeQueue(): { pending: unknown[]; marker: typeof firstInsert } {
    const taken = { pending: queue, marker: firstInsert };
    queue = [];
    held = new Map();
    seen = new Map();
    results = new Map();
    freshIds = new Set();
    firstInsert = undefined;
    return taken;
  }

  /** Sends everything held, with `statement` last in the same batch when given. */
  async function flush(statement?: RealStatement): Promise<D1Outcome | undefined> {
    const { pending } = takeQueue();
    if (pending.length === 0) return statement?.all();
    const outcomes = (await database.batch(statement ? [...pending, statement] : pending)) as D1Outcome[];
    return statement ? outcomes.at(-1) : undefined;
  }

  /** The read to run so it sees the held rows, or `undefined` when only a flush can make it see them. */
  function readOf(sql: string, params: unknown[], tables: ReadonlySet<string>): { sql: string; params: unknown[] } | undefined {
    if (tables.size === 0 && held.size > 0) return undefined;
    const seen = [...tables].filter((table) => held.has(table));
    if (seen.length === 0) return { sql, params };
    return overlaid(sql, params, seen.map((table) => [table, held.get(table)!] as const), catalog);
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
   */
  function heldAnswer(read: SelectStatement, params: unknown[]): { columns: string[]; rows: unknown[][] } | undefined {
    if (held.size === 0) return undefined;
    const shape = read.plain;
    if (!shape || shape.ordered) return undefined;
    const terms = shape.equalities;
    const values = shape.limited ? params.slice(0, -1) : params;
    if (!terms || terms.length !== values.length) return undefined;
    const table = held.get(shape.table);
    const fresh = values.some((value) => freshIds.has(value));
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

  function tableOf(name: string): HeldTable {
    const table = held.get(name) ?? { rows: [], hidden: new Set() };
    held.set(name, table);
    return table;
  }

  /**
   * Holds an UPDATE or DELETE: a read (that sees what the unit holds) finds the rows it will change and what
   * they become, the unit shows them so to later reads, and the write itself goes out with the commit, followed
   * by its guard when the flow was handed its rows. `undefined` when the rows cannot be found that way.
   */
  async function holdWrite(write: HeldWrite, sql: string, params: unknown[]): Promise<D1Outcome | undefined> {
    let found = knownRows(write, params);
    if (!found) {
      const computed = write.assignments.map((a, i) => `, (${a.expression}) AS "${NEW_VALUE}${i}"`).join("");
      const read = readOf(`SELECT *${computed} FROM "${write.table}" WHERE ${write.where}`, params, new Set([write.table]));
      if (!read) return undefined;
      found = (await real(read.sql, read.params).all()).results;
    }
    if (found.some((row) => row.id === undefined)) return undefined;
    const table = tableOf(write.table);
    const after: Record<string, unknown>[] = [];
    for (const row of found) {
      const next = new Map(Object.entries(row).filter(([column]) => !column.startsWith(NEW_VALUE)));
      write.assignments.forEach((a, i) => next.set(a.column, row[`${NEW_VALUE}${i}`]));
      const mine = table.rows.findIndex((held) => held.get("id") === row.id);
      if (mine >= 0) table.rows.splice(mine, 1);
      // Hidden even when the row is the unit's own: a result read earlier may still list it.
      table.hidden.add(row.id);
      if (write.kind === "update") table.rows.push(next);
      after.push(Object.fromEntries(write.kind === "update" ? next : new Map(Object.entries(row).filter(([column]) => !column.startsWith(NEW_VALUE)))));
    }
    queue.push(real(sql, params));
    if (write.returning !== undefined) queue.push(real(GUARD, [found.length]));
    const columns = write.returning === "*" ? [...(catalog.get(write.table)?.columns ?? Object.keys(after[0] ?? {}))] : (write.returning ?? []);
    const results = write.returning === undefined ? [] : after.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null])));
    return { results, success: true, meta: { changes: found.length, rows_written: found.length, duration: 0 } };
  }

  /**
   * Keeps what a read of one table returned: each row that carries its id, and, when the read's WHERE is
   * equalities only and every row is whole, the result itself: every row that matched, under the columns and
   * values it asked for. A later write with the same WHERE is then answered from it.
   */
  function remember(read: SelectStatement, params: unknown[], outcome: D1Outcome): D1Outcome {
    const shape = read.plain;
    if (shape === undefined || shape.count !== undefined) return outcome;
    const { table, equalities: terms } = shape;
    const rows = seen.get(table) ?? new Map<unknown, Record<string, unknown>>();
    seen.set(table, rows);
    for (const row of outcome.results) if (row.id != null) rows.set(row.id, row);
    const every = catalog.get(table)?.columns;
    if (terms && terms.length === params.length && every && outcome.results.every((row) => row.id != null && every.every((c) => c in row))) {
      results.set(resultKey(table, terms, params), outcome.results);
    }
    return outcome;
  }

  /**
   * The rows `write` changes, with the new values under {@link NEW_VALUE} names, when the unit already knows
   * them: its WHERE is equalities only, one on `id` or a unique column, every SET value is bound, and the row
   * was read (or written) by the unit. `undefined` otherwise.
   */
  function knownRows(write: HeldWrite, params: unknown[]): Record<string, unknown>[] | undefined {
    const terms = write.equalities;
    if (!terms || write.assignments.some((a) => a.expression !== "?")) return undefined;
    const where = params.slice(write.setParams);
    if (where.length !== terms.length) return undefined;
    const unique = new Set(["id", ...(catalog.get(write.table)?.unique ?? [])]);
    const byUniqueKey = terms.some((column) => unique.has(column));
    // Without a unique key, only a read with the very same WHERE says which rows match: all of them.
    const result = byUniqueKey ? undefined : results.get(resultKey(write.table, terms, where));
    if (!byUniqueKey && !result) return undefined;
    const matches = (row: Record<string, unknown> | Map<string, unknown>) =>
      terms.every((column, i) => {
        const value = row instanceof Map ? row.get(column) : row[column];
        return value !== undefined && value === storedValue(where[i]);
      });
    const table = held.get(write.table);
    // A stored row read with some of its columns only would leave the others NULL in what later reads see.
    const every = catalog.get(write.table)?.columns;
    const whole = (row: Record<string, unknown>) => every !== undefined && every.every((column) => column in row);
    // What the unit holds stands in for what it read of the same rows: changed, deleted or new since.
    const stored = result ?? [...(seen.get(write.table)?.values() ?? [])];
    const candidates = [
      ...(table?.rows ?? []).map((row) => Object.fromEntries(row)),
      ...stored.filter((row) => !table?.hidden.has(row.id) && !table?.rows.some((h) => h.get("id") === row.id)),
    ];
    const found = candidates.filter(matches);
    if (byUniqueKey && found.length !== 1) return undefined;
    if (found.some((row) => !table?.rows.some((held) => held.get("id") === row.id) && !whole(row))) return undefined;
    const columns = write.returning === "*" ? (catalog.get(write.table)?.columns ?? []) : (write.returning ?? []);
    if (write.returning === "*" && columns.length === 0) return undefined;
    if (found.some((row) => columns.some((column) => !(column in row) && !write.assignments.some((a) => a.column === column)))) return undefined;
    return found.map((known) => {
      const row = { ...known };
      write.assignments.forEach((_, i) => (row[`${NEW_VALUE}${i}`] = storedValue(params[i])));
      return row;
    });
  }

  async function execute(sql: string, params: unknown[]): Promise<D1Outcome> {
    ensureOpen();
    const statement = classify(sql);
    if (statement.kind === "select") {
      const answer = heldAnswer(statement, params);
      if (answer) return { results: answer.rows.map((row) => Object.fromEntries(answer.columns.map((c, i) => [c, row[i]]))), success: true, meta: {} };
      const read = readOf(sql, params, statement.tables);
      return read ? remember(statement, params, await real(read.sql, read.params).all()) : (await flush(real(sql, params)))!;
    }
    const insert = insertedRow(statement, params);
    if (insert) {
      const row = rebuiltRow(insert, catalog);
      if (row === undefined) return (await flush(real(sql, params)))!;
      if (insert.row.get("id") != null) freshIds.add(insert.row.get("id"));
      if (queue.length === 0 && insert.row.get("id") != null) firstInsert = { table: insert.table, id: insert.row.get("id") };
      queue.push(real(sql, params));
      tableOf(insert.table).rows.push(insert.row);
      return { results: row ? [row] : [], success: true, meta: { changes: 1, rows_written: 1, duration: 0 } };
    }
    const write = heldWrite(statement, params);
    const outcome = write === undefined ? undefined : await holdWrite(write, sql, params);
    return outcome ?? (await flush(real(sql, params)))!;
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

  function statement(sql: string, params: unknown[]) {
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
      raw: () => watched(raw),
    };

    async function raw(): Promise<unknown[][]> {
      // Column order and duplicate names (joins) only survive D1's own raw().
      ensureOpen();
      const classified = classify(sql);
      if (classified.kind === "select") {
        const answer = heldAnswer(classified, params);
        if (answer) return answer.rows;
        const read = readOf(sql, params, classified.tables);
        if (read) {
          const values = await real(read.sql, read.params).raw();
          const columns = classified.plain?.columns;
          if (Array.isArray(columns)) remember(classified, params, { results: values.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))), success: true, meta: {} });
          return values;
        }
        await flush();
        return real(sql, params).raw();
      }
      const insert = insertedRow(classified, params);
      const row = insert && rebuiltRow(insert, catalog);
      if (row && Array.isArray(insert!.returning)) {
        await execute(sql, params);
        return [insert!.returning.map((column) => row[column])];
      }
      const write = insert ? undefined : heldWrite(classified, params);
      if (write && Array.isArray(write.returning)) {
        const outcome = await holdWrite(write, sql, params);
        if (outcome) return outcome.results.map((held) => (write.returning as string[]).map((column) => held[column]));
      }
      // A write sent at once goes out in the same batch as what is held, as execute() sends it: sending the
      // held rows first and the write after would split the unit in two commits. Its RETURNING row comes
      // back as an object whose keys keep the statement's column order (one table, no duplicate names).
      const outcome = (await flush(real(sql, params)))!;
      return outcome.results.map((row) => Object.values(row));
    }
  }

  const binding: D1DatabaseBinding = {
    prepare: (sql: string) => statement(sql, []),
    batch: (statements: unknown[]) => watched(async () => {
      ensureOpen();
      const { pending } = takeQueue();
      const list = statements.map((s) => {
        const { sql, params } = s as { sql?: string; params?: unknown[] };
        if (sql === undefined) throw new Error("[auth-d1] A unit of work's batch() takes statements prepared on its own binding.");
        return real(sql, params ?? []);
      });
      return (await database.batch([...pending, ...list])).slice(pending.length);
    }),
    exec: (query: string) => watched(async () => {
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
      const { pending, marker } = takeQueue();
      if (failure) throw failure.error;
      if (pending.length > 0) await commitOnce(database, pending, marker);
    },
    discard() {
      open = false;
      takeQueue();
    },
  };
}

/** The key of a read's result: its table and the columns and values its WHERE asks for, in order. */
function resultKey(table: string, columns: readonly string[], values: readonly unknown[]): string {
  return JSON.stringify([table, columns, values.map(storedValue)]);
}

/**
 * An INSERT the unit can hold: one row of bound values, as D1 will store them. `undefined` for any other
 * statement, or when the parameters do not match it.
 */
function insertedRow(statement: ReturnType<typeof classify>, params: readonly unknown[]): (InsertStatement & { row: Map<string, unknown> }) | undefined {
  if (statement.kind !== "insert" || statement.params !== params.length) return undefined;
  const row = new Map<string, unknown>();
  let next = 0;
  statement.columns.forEach((column, i) => row.set(column, statement.values[i] === "param" ? storedValue(params[next++]) : null));
  return { ...statement, row };
}

/** An UPDATE or DELETE with a WHERE, as the unit holds it: a DELETE is an UPDATE that sets nothing. */
interface HeldWrite {
  kind: "update" | "delete";
  table: string;
  assignments: UpdateStatement["assignments"];
  where: string;
  equalities: readonly string[] | undefined;
  setParams: number;
  returning: UpdateStatement["returning"];
}

/** `statement` as a {@link HeldWrite}, or `undefined` for anything else, a write without WHERE, or parameters that do not match it. */
function heldWrite(statement: ReturnType<typeof classify>, params: readonly unknown[]): HeldWrite | undefined {
  if ((statement.kind !== "update" && statement.kind !== "delete") || statement.where === undefined || statement.params !== params.length) return undefined;
  const { kind, table, where, equalities, returning } = statement;
  return statement.kind === "update"
    ? { kind, table, where, equalities, returning, assignments: statement.assignments, setParams: statement.setParams }
    : { kind, table, where, equalities, returning, assignments: [], setParams: 0 };
}

/** What D1 gives back for a bound value: booleans become 0 and 1, `undefined` becomes NULL. */
export function storedValue(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value ?? null;
}

/**
 * Sends the unit's batch; when it fails with a transient error, sends it once more only if its first
 * statement inserts a row under an id this request made up (every held INSERT of better-auth's carries one,
 * and nobody else knows it before the response leaves). D1 runs a batch as one transaction, so either the
 * first try wrote nothing and the second runs it afresh, or the first try committed and the second fails,
 * writing nothing: the batch lands exactly once. Which of the two happened is read, not guessed: if the second
 * try fails, the row with that id exists only if the first one committed.
 */
async function commitOnce(database: D1DatabaseBinding, pending: unknown[], marker: { table: string; id: unknown } | undefined): Promise<void> {
  try {
    await database.batch(pending);
  } catch (error) {
    if (marker === undefined || !isTransientD1Error(error)) throw error;
    await new Promise((resolve) => setTimeout(resolve, 20));
    try {
      await database.batch(pending);
    } catch (retryError) {
      const probe = database.prepare(`SELECT 1 AS found FROM "${marker.table}" WHERE "id" = ?`) as RealStatement;
      const committed = await probe.bind(marker.id).first("found").catch(() => null);
      if (committed === 1) return; // the first try had committed; the second wrote nothing
      throw isTransientD1Error(retryError) ? error : retryError;
    }
  }
}

/**
 * `sql` with each table in `tables` shadowed by a CTE of the same name: its stored rows and the rows the unit
 * holds for it. A read so sees the unit's inserts, with SQLite's own filters, joins and ordering, in one round
 * trip and without committing anything. `sql` is a SELECT (a statement with a WITH clause of its own is opaque,
 * never overlaid); src/d1/sql/classify.ts reads this WITH clause back as a read of the tables it shadows.
 */
function overlaid(
  sql: string,
  params: unknown[],
  tables: ReadonlyArray<readonly [string, HeldTable]>,
  catalog: TableCatalog,
): { sql: string; params: unknown[] } | undefined {
  const ctes: string[] = [];
  const cteParams: unknown[] = [];
  for (const [table, { rows, hidden }] of tables) {
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
  // D1 binds at most 100 parameters to a statement: past that, only a flush can show the rows.
  if (cteParams.length + params.length > 100) return undefined;
  return { sql: `WITH ${ctes.join(", ")} ${sql.trim()}`, params: [...cteParams, ...params] };
}

/**
 * The row an INSERT returns, rebuilt from what it binds: `null` when it returns nothing, `undefined` when a
 * returned column was not bound (D1 would compute it: a default or an autoincrement id) or the table's
 * columns are unknown for `RETURNING *`.
 */
function rebuiltRow(insert: InsertStatement & { row: Map<string, unknown> }, catalog: TableCatalog): Record<string, unknown> | null | undefined {
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
