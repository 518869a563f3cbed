/**
 * Counts D1 round trips and statements per request: the one wrapper every bench Worker puts around
 * `env.DB`, ours and the baselines alike, so their figures compare. Sessions (`withSession`, used by
 * `readReplication`) are counted the same way, and their statements also by where the session started.
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
  /**
   * Statements run in a session that may read from a replica: started `first-unconstrained` or from a
   * bookmark. D1 may serve their reads from a replica; a write among them still goes to the primary.
   */
  replicaEligible: number;
  /** Statements run in a session started `first-primary`. The rest ran on the binding itself (the primary). */
  primarySession: number;
  /** Milliseconds during which at least one D1 call of the request was in flight (overlaps counted once). */
  d1WaitMs: number;
  /** D1 calls in flight now, and since when the first of them has been. */
  inFlight: number;
  waitingSince: number;
}

/** Where the statements of a binding or session may be read from. */
type Route = "binding" | "replica-eligible" | "primary-session";

const current = new AsyncLocalStorage<D1Counts>();
const rawOf = new WeakMap<object, D1PreparedStatement>();

/** Runs `work` with its own counters; D1 calls made inside it (awaited or not) count there. */
export function countD1<T>(work: () => Promise<T>): Promise<{ result: T; counts: D1Counts }> {
  const counts: D1Counts = { trips: 0, statements: 0, replicaEligible: 0, primarySession: 0, d1WaitMs: 0, inFlight: 0, waitingSince: 0 };
  return current.run(counts, async () => ({ result: await work(), counts }));
}

/**
 * The counts as the `x-bench-d1` header: `trips=N; statements=M; replica_eligible=R; primary_session=P`.
 * Readers that know only the first two fields still parse it.
 */
export function countsHeader(counts: D1Counts, jsMs?: number): string {
  const js = jsMs === undefined ? "" : `; js_ms=${jsMs.toFixed(3)}`;
  return `trips=${counts.trips}; statements=${counts.statements}; replica_eligible=${counts.replicaEligible}; primary_session=${counts.primarySession}${js}`;
}

/**
 * `call`'s promise, its time in flight added to the request's D1 wait. Local workerd's clock runs while the
 * isolate computes (production's stands still between I/O), so wall time minus this wait is the time the
 * request spent in its own JavaScript.
 */
function waited<T>(call: () => Promise<T>): Promise<T> {
  const counts = current.getStore();
  if (!counts) return call();
  if (counts.inFlight++ === 0) counts.waitingSince = performance.now();
  const settle = () => {
    if (--counts.inFlight === 0) counts.d1WaitMs += performance.now() - counts.waitingSince;
  };
  return call().finally(settle);
}

function add(route: Route, trips: number, statements: number): void {
  const counts = current.getStore();
  if (!counts) return;
  counts.trips += trips;
  counts.statements += statements;
  if (route === "replica-eligible") counts.replicaEligible += statements;
  if (route === "primary-session") counts.primarySession += statements;
}

function countedStatement(raw: D1PreparedStatement, route: Route): D1PreparedStatement {
  const counted = {
    bind: (...values: unknown[]) => countedStatement(raw.bind(...values), route),
    first: (column?: string) => (add(route, 1, 1), waited(() => (column === undefined ? raw.first() : raw.first(column)))),
    run: () => (add(route, 1, 1), waited(() => raw.run())),
    all: () => (add(route, 1, 1), waited(() => raw.all())),
    raw: (options?: { columnNames?: boolean }) => (add(route, 1, 1), waited(() => raw.raw(options as { columnNames: true }))),
  } as unknown as D1PreparedStatement;
  rawOf.set(counted, raw);
  return counted;
}

function countedBatch(target: Pick<D1Database, "batch">, route: Route): D1Database["batch"] {
  return (statements) => {
    add(route, 1, statements.length);
    return waited(() => target.batch(statements.map((statement) => rawOf.get(statement) ?? statement)));
  };
}

/** A `D1DatabaseSession`, counted like the binding; its statements also count by where it started. */
function countedSession(session: D1DatabaseSession, start: string): D1DatabaseSession {
  // D1's constraints are these two words; anything else is a bookmark, which may be served by a replica.
  const route: Route = start === "first-primary" ? "primary-session" : "replica-eligible";
  return {
    prepare: (query: string) => countedStatement(session.prepare(query), route),
    batch: countedBatch(session, route),
    getBookmark: () => session.getBookmark(),
  } as unknown as D1DatabaseSession;
}

/**
 * The binding, counted. Build it once per isolate (at module scope, per env object): `createAuth(env)`
 * keeps one instance per env object, so a new wrapper per request would rebuild better-auth every time.
 */
export function countingD1(database: D1Database): D1Database {
  return {
    prepare: (query: string) => countedStatement(database.prepare(query), "binding"),
    batch: countedBatch(database, "binding"),
    exec: async (query: string) => {
      const result = await waited(() => database.exec(query));
      add("binding", 1, result.count);
      return result;
    },
    dump: () => database.dump(),
    // D1 starts a session with no argument as `first-unconstrained`.
    withSession: (constraintOrBookmark?: string) => countedSession(database.withSession(constraintOrBookmark), constraintOrBookmark ?? "first-unconstrained"),
  } as unknown as D1Database;
}
