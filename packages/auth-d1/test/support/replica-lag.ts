/**
 * A D1 database with a read replica that lags, built from two real local D1 databases: local D1 accepts
 * `withSession` but has no replicas. Writes run on the primary and are logged, each with the next bookmark;
 * the replica applies the log only when the test calls `catchUp()`. A session reads from the replica when the
 * replica is at or past the session's bookmark (or the session is unconstrained and has run nothing yet), and
 * from the primary otherwise: as on D1, a session never reads older than its bookmark, and a write moves it
 * to the primary's newest.
 */
import { isRead } from "../../src/d1/sql/classify.js";

/** Where a statement run through a session was served. */
export type Served = "primary" | "replica";

export interface LaggingD1 {
  /** The database to pass as `env.DB`: `prepare`, `batch`, `exec` and `withSession`, as a `D1Database` has them. */
  binding: D1Database;
  /** Applies the primary's logged writes to the replica, in order, up to `bookmark` (all of them by default). */
  catchUp(bookmark?: string): Promise<void>;
  /** The primary's newest bookmark. */
  primaryBookmark(): string;
  /** The replica's bookmark: the last logged write it applied. */
  replicaBookmark(): string;
  /** Where each statement (or batch) run through a session was served, in order. */
  served: Served[];
}

interface Write {
  sql: string;
  params: unknown[];
  /** Sent with `exec()`: raw SQL, possibly several statements. */
  exec?: true;
}

/** A statement that picks its database when it runs, so one prepared statement can go either way. */
class LazyStatement {
  constructor(
    readonly sql: string,
    readonly params: unknown[],
    readonly run$: (statement: LazyStatement, method: string, args: unknown[]) => Promise<unknown>,
  ) {}

  bind(...params: unknown[]): LazyStatement {
    return new LazyStatement(this.sql, params, this.run$);
  }
  all(...args: unknown[]) {
    return this.run$(this, "all", args);
  }
  run(...args: unknown[]) {
    return this.run$(this, "run", args);
  }
  raw(...args: unknown[]) {
    return this.run$(this, "raw", args);
  }
  first(...args: unknown[]) {
    return this.run$(this, "first", args);
  }
}

/** A SELECT, a WITH that writes nothing, or a PRAGMA function that reads (the schema check's `table_info`). */
const isWrite = (sql: string): boolean => !isRead(sql) && !/^\s*pragma\s+\w+\s*\(/i.test(sql);

/** Bookmarks shaped like D1's (fixed-width hex, so they also sort as strings). */
function bookmarkOf(sequence: number): string {
  return `${sequence.toString(16).padStart(8, "0")}-00000000-00000000-${"0".repeat(32)}`;
}

function sequenceOf(bookmark: string): number {
  const match = /^([0-9a-f]{8})-00000000-00000000-0{32}$/.exec(bookmark);
  if (!match) throw new Error(`D1_ERROR: invalid bookmark ${JSON.stringify(bookmark)}`);
  return Number.parseInt(match[1]!, 16);
}

/**
 * `primary` and `replica` (both migrated, both holding the same rows) as one database with a lagging replica.
 *
 * @example
 * const lag = laggingD1(env.DB, env.REPLICA);
 * const auth = createAuth({ ...env, DB: lag.binding }, { readReplication: true });
 * await lag.catchUp(); // the replica now holds every write so far
 */
export function laggingD1(primary: D1Database, replica: D1Database): LaggingD1 {
  const log: Write[][] = [];
  let applied = 0;
  const served: Served[] = [];

  const real = (database: D1Database, statement: LazyStatement) => database.prepare(statement.sql).bind(...statement.params);
  const onPrimary = async (statements: LazyStatement[], batch: (list: D1PreparedStatement[]) => Promise<unknown>) => {
    const result = await batch(statements.map((s) => real(primary, s)));
    // Logged only once the primary ran it: a failed batch wrote nothing, so the replica gets nothing either.
    const writes = statements.filter((s) => isWrite(s.sql)).map((s) => ({ sql: s.sql, params: s.params }));
    if (writes.length > 0) log.push(writes);
    return result;
  };

  /** Runs `statements` (one, or a batch) where `position` allows; returns the bookmark the session is then at. */
  const execute = async (statements: LazyStatement[], position: number | "primary" | "any", run: (database: D1Database, list: D1PreparedStatement[]) => Promise<unknown>) => {
    const writes = statements.some((s) => isWrite(s.sql));
    const toReplica = !writes && position !== "primary" && (position === "any" || applied >= position);
    served.push(toReplica ? "replica" : "primary");
    if (toReplica) return { result: await run(replica, statements.map((s) => real(replica, s))), at: applied };
    const result = writes ? await onPrimary(statements, (list) => run(primary, list)) : await run(primary, statements.map((s) => real(primary, s)));
    return { result, at: log.length };
  };

  const single = (database: D1Database, list: D1PreparedStatement[], method: string, args: unknown[]) =>
    (list[0] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(...args);

  // Outside any session, D1 sends every query to the primary.
  const direct = (statement: LazyStatement, method: string, args: unknown[]) =>
    execute([statement], "primary", (database, list) => single(database, list, method, args)).then((r) => r.result);

  const binding = {
    prepare: (sql: string) => new LazyStatement(sql, [], direct),
    batch: async (statements: LazyStatement[]) => (await execute(statements, "primary", (database, list) => database.batch(list))).result,
    exec: async (sql: string) => {
      const result = await primary.exec(sql);
      log.push([{ sql, params: [], exec: true }]);
      return result;
    },
    withSession(constraintOrBookmark?: string) {
      // null until the first query: what that query may read is then set by the constraint.
      let bookmark: number | null = null;
      const start = constraintOrBookmark ?? "first-unconstrained";
      const position = (): number | "primary" | "any" => {
        if (bookmark !== null) return bookmark;
        if (start === "first-primary") return "primary";
        if (start === "first-unconstrained") return "any";
        return sequenceOf(start);
      };
      const inSession = async (statements: LazyStatement[], run: (database: D1Database, list: D1PreparedStatement[]) => Promise<unknown>) => {
        const { result, at } = await execute(statements, position(), run);
        bookmark = Math.max(bookmark ?? 0, at);
        return result;
      };
      const sessionRun = (statement: LazyStatement, method: string, args: unknown[]) => inSession([statement], (database, list) => single(database, list, method, args));
      return {
        prepare: (sql: string) => new LazyStatement(sql, [], sessionRun),
        batch: (statements: LazyStatement[]) => inSession(statements, (database, list) => database.batch(list)),
        getBookmark: () => (bookmark === null ? null : bookmarkOf(bookmark)),
      };
    },
  };

  return {
    binding: binding as unknown as D1Database,
    served,
    primaryBookmark: () => bookmarkOf(log.length),
    replicaBookmark: () => bookmarkOf(applied),
    async catchUp(bookmark) {
      const until = bookmark === undefined ? log.length : Math.min(sequenceOf(bookmark), log.length);
      while (applied < until) {
        const writes = log[applied]!;
        if (writes[0]?.exec) await replica.exec(writes[0].sql);
        else await replica.batch(writes.map((w) => replica.prepare(w.sql).bind(...w.params)));
        applied += 1;
      }
    },
  };
}
