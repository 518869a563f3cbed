import { isRead } from "../../src/d1/sql/classify.js";

/**
 * The real local D1 binding with every statement it is handed written down. Nothing is faked: each call
 * goes straight to D1.
 */
export interface CountingD1 {
  binding: D1Database;
  statements: string[];
  /** One entry per call that reached D1 (a statement run, a batch, an exec): its round trips. */
  roundTrips: string[];
  /** The same round trips, each with the SQL it sent (a batch: every statement in it, in order). */
  calls: D1Call[];
}

/** One call that reached D1, and the SQL it carried. */
export interface D1Call {
  kind: "statement" | "batch" | "exec";
  statements: string[];
}

export function countingD1(database: D1Database): CountingD1 {
  const statements: string[] = [];
  const roundTrips: string[] = [];
  const calls: D1Call[] = [];
  const binding = {
    prepare(query: string) {
      statements.push(query);
      return observed(database.prepare(query), query, (sql) => {
        roundTrips.push(sql);
        calls.push({ kind: "statement", statements: [sql] });
      });
    },
    batch(list: D1PreparedStatement[]) {
      roundTrips.push(`batch of ${list.length}`);
      calls.push({ kind: "batch", statements: list.map(queryOf) });
      return database.batch(list.map(unwrapped));
    },
    exec(query: string) {
      statements.push(query);
      roundTrips.push(query);
      calls.push({ kind: "exec", statements: [query] });
      return database.exec(query);
    },
  } as unknown as D1Database;
  return { binding, statements, roundTrips, calls };
}

/**
 * The calls that wrote to D1: a statement that is not a plain read, or a batch holding one. Each statement is
 * told by what it is, with the parser the unit of work tells reads by (src/d1/sql/classify.ts): whatever it
 * does not know for a read (a SELECT, or the unit's own overlay of the rows it holds) counts as a write, INSERT, UPDATE,
 * DELETE and REPLACE among them. An exec counts whatever it runs: its text may hold several statements.
 *
 * @example
 * const from = db.calls.length;
 * await client.post("/sign-up/email", body);
 * expect(writingCalls(db.calls.slice(from))).toHaveLength(1);
 */
export function writingCalls(calls: readonly D1Call[]): D1Call[] {
  return calls.filter((call) => call.kind === "exec" || call.statements.some((sql) => !isRead(sql)));
}

const UNWRAP = Symbol("unwrap");
const QUERY = Symbol("query");

/**
 * `statement` whose every run (`all`, `run`, `raw`, `first`) first calls `before(query)`; a throw there
 * rejects the run without reaching D1. Shared by the counting and the fault-injecting bindings.
 */
export function observed(statement: D1PreparedStatement, query: string, before: (query: string) => void): D1PreparedStatement {
  return new Proxy(statement, {
    get(target, key) {
      if (key === UNWRAP) return target;
      if (key === QUERY) return query;
      if (key === "bind") return (...params: unknown[]) => observed(target.bind(...params), query, before);
      if (key === "all" || key === "run" || key === "raw" || key === "first") {
        return async (...args: unknown[]) => {
          before(query);
          return (target[key] as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** D1's batch() checks its statements are its own: hand it the statement under the proxy. */
export function unwrapped(statement: D1PreparedStatement): D1PreparedStatement {
  return (statement as unknown as Record<symbol, D1PreparedStatement>)[UNWRAP] ?? statement;
}

/** The SQL of a statement prepared on a counting or faulty binding; one prepared elsewhere cannot be read. */
function queryOf(statement: D1PreparedStatement): string {
  return (statement as unknown as Record<symbol, string | undefined>)[QUERY] ?? "(a statement not prepared on this binding)";
}
