/**
 * Counts D1 round trips and statements per request: the one wrapper every bench Worker puts around
 * `env.DB`, ours and the baselines alike, so their figures compare.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** What one request sent to D1. */
export interface D1Counts {
  /** Calls that cross to D1: each statement's run/all/first/raw, each batch, each exec. */
  trips: number;
  /** SQL statements those calls carried: a batch of N counts N. */
  statements: number;
}

const current = new AsyncLocalStorage<D1Counts>();
const rawOf = new WeakMap<object, D1PreparedStatement>();

/** Runs `work` with its own counters; D1 calls made inside it (awaited or not) count there. */
export function countD1<T>(work: () => Promise<T>): Promise<{ result: T; counts: D1Counts }> {
  const counts: D1Counts = { trips: 0, statements: 0 };
  return current.run(counts, async () => ({ result: await work(), counts }));
}

function add(trips: number, statements: number): void {
  const counts = current.getStore();
  if (!counts) return;
  counts.trips += trips;
  counts.statements += statements;
}

function countedStatement(raw: D1PreparedStatement): D1PreparedStatement {
  const counted = {
    bind: (...values: unknown[]) => countedStatement(raw.bind(...values)),
    first: (column?: string) => (add(1, 1), column === undefined ? raw.first() : raw.first(column)),
    run: () => (add(1, 1), raw.run()),
    all: () => (add(1, 1), raw.all()),
    raw: (options?: { columnNames?: boolean }) => (add(1, 1), raw.raw(options as { columnNames: true })),
  } as unknown as D1PreparedStatement;
  rawOf.set(counted, raw);
  return counted;
}

/**
 * The binding, counted. Build it once per isolate (at module scope, per env object): `createAuth(env)`
 * keeps one instance per env object, so a new wrapper per request would rebuild better-auth every time.
 */
export function countingD1(database: D1Database): D1Database {
  return {
    prepare: (query: string) => countedStatement(database.prepare(query)),
    batch: (statements: D1PreparedStatement[]) => {
      add(1, statements.length);
      return database.batch(statements.map((statement) => rawOf.get(statement) ?? statement));
    },
    exec: async (query: string) => {
      const result = await database.exec(query);
      add(1, result.count);
      return result;
    },
    dump: () => database.dump(),
    withSession: () => {
      throw new Error("[auth-d1 bench] withSession is not counted; no bench Worker uses it.");
    },
  } as unknown as D1Database;
}
