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
  const counted = (statement: D1PreparedStatement, query: string): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, key) {
        if (key === UNWRAP) return target;
        if (key === "bind") return (...params: unknown[]) => counted(target.bind(...params), query);
        if (key === "all" || key === "run" || key === "raw" || key === "first") {
          return (...args: unknown[]) => {
            roundTrips.push(query);
            return (target[key] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const binding = {
    prepare(query: string) {
      statements.push(query);
      return counted(database.prepare(query), query);
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

export const UNWRAP = Symbol("unwrap");

/** D1's batch() checks its statements are its own: hand it the statement under the proxy. */
export function unwrapped(statement: D1PreparedStatement): D1PreparedStatement {
  return (statement as unknown as Record<symbol, D1PreparedStatement>)[UNWRAP] ?? statement;
}
