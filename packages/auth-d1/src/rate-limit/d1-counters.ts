/**
 * Rate-limit counters in D1, counted in one statement whatever the number of counters a request touches.
 *
 * @module
 */
import type { D1DatabaseBinding } from "../env.js";
import type { RateLimitCounter } from "./rules.js";

/** A counter after this request was counted, and the rule it is held to. */
export interface CountedHit extends RateLimitCounter {
  count: number;
  /** When the counter's window started (ms). */
  windowStart: number;
}

interface CounterRow {
  key: string;
  count: number;
  last_request: number;
}

/**
 * Counts one request on each counter in one atomic upsert. A counter's window opens with its first request
 * (`rate_limit.last_request` holds when); a request after the window ends opens a new one at 1. D1 runs each
 * statement alone, so every isolate sees every count. The first counter (the client IP's) gates the
 * others: once it is full, a refused request creates no per-account row, so one client cannot fill the
 * table with made-up addresses.
 */
export async function countHits(database: D1DatabaseBinding, counters: RateLimitCounter[], now: number): Promise<CountedHit[]> {
  const [gate] = counters;
  if (!gate) return [];
  // ?1 now, ?2 the gate's max; then per counter: id, key, window in ms.
  const params: unknown[] = [now, gate.rule.max];
  const rows: string[] = [];
  const windows: string[] = [];
  for (const counter of counters) {
    params.push(crypto.randomUUID(), counter.key, counter.rule.window * 1000);
    const at = params.length;
    rows.push(`(?${at - 2}, ?${at - 1})`);
    windows.push(`WHEN ?${at - 1} THEN ?${at}`);
  }
  const expired = `rate_limit.last_request <= ?1 - (CASE rate_limit.key ${windows.join(" ")} END)`;
  const sql =
    "INSERT INTO rate_limit (id, key, count, last_request) " +
    `SELECT column1, column2, 1, ?1 FROM (VALUES ${rows.join(", ")}) ` +
    "WHERE column2 = ?4 OR NOT EXISTS (SELECT 1 FROM rate_limit WHERE key = ?4 AND last_request > ?1 - ?5 AND count >= ?2) " +
    `ON CONFLICT (key) DO UPDATE SET count = CASE WHEN ${expired} THEN 1 ELSE rate_limit.count + 1 END, ` +
    `last_request = CASE WHEN ${expired} THEN ?1 ELSE rate_limit.last_request END ` +
    "RETURNING key, count, last_request";
  const statement = database.prepare(sql) as D1PreparedStatementLike;
  const { results } = await statement.bind(...params).all<CounterRow>();
  const byKey = new Map(results.map((row) => [row.key, row]));
  // A counter the gate kept out was not counted: the gate's own count refuses the request.
  return counters.flatMap((counter) => {
    const row = byKey.get(counter.key);
    return row ? [{ ...counter, count: row.count, windowStart: row.last_request }] : [];
  });
}

interface D1PreparedStatementLike {
  bind(...values: unknown[]): { all<T>(): Promise<{ results: T[] }> };
}
