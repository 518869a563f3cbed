/**
 * The real local D1 binding with every statement it is handed written down. Nothing is faked: each call
 * goes straight to D1.
 */
export interface CountingD1 {
  binding: D1Database;
  statements: string[];
  /** One entry per call that reached D1 (a statement run, a batch, an exec): its round trips. */
  roundTrips: string[];
}

export function countingD1(database: D1Database): CountingD1 {
  const statements: string[] = [];
  const roundTrips: string[] = [];
  const binding = {
    prepare(query: string) {
      statements.push(query);
      return observed(database.prepare(query), query, (sql) => void roundTrips.push(sql));
    },
    batch(list: D1PreparedStatement[]) {
      roundTrips.push(`batch of ${list.length}`);
      return database.batch(list.map(unwrapped));
    },
    exec(query: string) {
      statements.push(query);
      roundTrips.push(query);
      return database.exec(query);
    },
  } as unknown as D1Database;
  return { binding, statements, roundTrips };
}

const UNWRAP = Symbol("unwrap");

/**
 * `statement` whose every run (`all`, `run`, `raw`, `first`) first calls `before(query)`; a throw there
 * rejects the run without reaching D1. Shared by the counting and the fault-injecting bindings.
 */
export function observed(statement: D1PreparedStatement, query: string, before: (query: string) => void): D1PreparedStatement {
  return new Proxy(statement, {
    get(target, key) {
      if (key === UNWRAP) return target;
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
