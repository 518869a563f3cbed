/**
 * The real local D1 binding with every statement it is handed written down. Nothing is faked: each call
 * goes straight to D1.
 */
export interface CountingD1 {
  binding: D1Database;
  statements: string[];
}

export function countingD1(database: D1Database): CountingD1 {
  const statements: string[] = [];
  const binding = {
    prepare(query: string) {
      statements.push(query);
      return database.prepare(query);
    },
    batch(list: D1PreparedStatement[]) {
      return database.batch(list);
    },
    exec(query: string) {
      statements.push(query);
      return database.exec(query);
    },
  } as unknown as D1Database;
  return { binding, statements };
}
