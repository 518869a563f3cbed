/**
 * Deletes what has expired, for a Cron Trigger: better-auth deletes an expired session or verification row
 * only when someone presents it, and a D1 database has a size cap.
 *
 * @module
 */
import { readAuthEnv } from "./env.js";

/**
 * Options of {@link deleteExpiredRows}.
 *
 * @example
 * ```ts
 * await deleteExpiredRows(env, { binding: "AUTH_DB", batchSize: 500, maxBatches: 20 });
 * ```
 */
export interface DeleteExpiredRowsOptions {
  /** The name of the D1 binding in `env`, as given to `createAuth`. Defaults to `DB`. */
  binding?: string;
  /** Rows deleted per table per batch. Default 1000. */
  batchSize?: number;
  /** Batches per call, so one run stays short; the next run carries on. Default 10. */
  maxBatches?: number;
  /** Rate-limit counters older than this many seconds go. Default one day, longer than any window. */
  rateLimitMaxAge?: number;
}

/**
 * How many rows each table lost, and whether expired rows are left for the next run.
 *
 * @example
 * ```ts
 * const deleted: DeletedRows = await deleteExpiredRows(env);
 * if (deleted.more) console.log("more expired rows left for the next run", deleted);
 * ```
 */
export interface DeletedRows {
  session: number;
  verification: number;
  rateLimit: number;
  /** True when the last batch was full: more expired rows may remain. */
  more: boolean;
}

/**
 * Deletes expired sessions and verification rows (tokens, codes, WebAuthn challenges) and stale rate-limit
 * counters, in batches of at most `batchSize` rows per table: each batch is one D1 `batch()` of three
 * bounded `DELETE`s, so no statement runs long and each round trip is atomic.
 *
 * @example
 * ```ts
 * import { deleteExpiredRows } from "@acme/auth-d1";
 *
 * export default {
 *   fetch: (request, env) => createAuth(env).handler(request),
 *   // wrangler.jsonc: "triggers": { "crons": ["0 * * * *"] }
 *   scheduled: (_controller, env, ctx) => ctx.waitUntil(deleteExpiredRows(env)),
 * } satisfies ExportedHandler<Env>;
 * ```
 */
export async function deleteExpiredRows(env: object, options: DeleteExpiredRowsOptions = {}): Promise<DeletedRows> {
  const { database } = readAuthEnv(env, { binding: options.binding });
  const batchSize = options.batchSize ?? 1000;
  const maxBatches = options.maxBatches ?? 10;
  const now = Date.now();
  const nowISO = new Date(now).toISOString();
  const staleBefore = now - (options.rateLimitMaxAge ?? 24 * 60 * 60) * 1000;
  const prepare = (sql: string, ...params: unknown[]) => (database.prepare(sql) as { bind(...values: unknown[]): unknown }).bind(...params);
  // Dates are stored as ISO-8601 text (schema.ts), which sorts as time does.
  const statements = [
    prepare("DELETE FROM session WHERE id IN (SELECT id FROM session WHERE expires_at < ? LIMIT ?)", nowISO, batchSize),
    prepare("DELETE FROM verification WHERE id IN (SELECT id FROM verification WHERE expires_at < ? LIMIT ?)", nowISO, batchSize),
    prepare("DELETE FROM rate_limit WHERE id IN (SELECT id FROM rate_limit WHERE last_request < ? LIMIT ?)", staleBefore, batchSize),
  ];
  const deleted: DeletedRows = { session: 0, verification: 0, rateLimit: 0, more: false };
  for (let batch = 0; batch < maxBatches; batch++) {
    const results = (await database.batch(statements)) as Array<{ meta: { changes: number } }>;
    const [session = 0, verification = 0, rateLimit = 0] = results.map((result) => result.meta.changes);
    deleted.session += session;
    deleted.verification += verification;
    deleted.rateLimit += rateLimit;
    deleted.more = Math.max(session, verification, rateLimit) === batchSize;
    if (!deleted.more) break;
  }
  return deleted;
}
