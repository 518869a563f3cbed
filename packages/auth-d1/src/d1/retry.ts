/**
 * Reads retried when D1 fails them with an error Cloudflare documents as transient; writes never.
 *
 * @module
 */
import type { D1DatabaseBinding } from "../env.js";
import { isRead } from "./sql/classify.js";

/**
 * The D1 errors Cloudflare's "Retry queries" page (developers.cloudflare.com/d1/best-practices/retry-queries)
 * and its list of D1_ERRORs recommend retrying: the database's Durable Object restarting after a code update
 * or a failed start, and a lost network connection.
 */
const TRANSIENT = ["Network connection lost", "storage caused object to be reset", "reset because its code was updated"];

/** Pauses before the second and the third try: three tries in all, about 80 ms at most. */
const BACKOFF_MS = [20, 60];

/** Whether `error` (or its cause) is one of the D1 errors Cloudflare documents as retryable. */
export function isTransientD1Error(error: unknown): boolean {
  const text = errorText(error);
  return TRANSIENT.some((fragment) => text.includes(fragment));
}

/** `error` and its cause as one string: D1 puts the SQLite message in either. */
export function errorText(error: unknown): string {
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  return `${String(error)} ${cause === undefined ? "" : String(cause)}`;
}

interface Statement {
  bind(...params: unknown[]): Statement;
  [run: string]: unknown;
}

/** The statement a retrying one stands for, which D1's `batch()` requires. */
const inner = new WeakMap<object, unknown>();

/**
 * `database` with its reads retried: a SELECT (or a WITH that writes nothing) that fails with a transient
 * error is sent again, up to three tries with a short pause. An INSERT, UPDATE, DELETE, a `batch()` and an
 * `exec()` go out once, whatever the error: a write whose answer was lost may have been committed, and
 * sending it again could apply it twice (or fail on the constraint it just satisfied).
 *
 * @example
 * ```ts
 * const db = drizzle(retryingReads(env.DB));
 * ```
 */
export function retryingReads(database: D1DatabaseBinding): D1DatabaseBinding {
  const wrap = (statement: Statement, read: boolean): Statement => {
    const wrapped: Statement = {
      bind: (...params: unknown[]) => wrap(statement.bind(...params), read),
    };
    for (const method of ["all", "run", "raw", "first"]) {
      wrapped[method] = (...args: unknown[]) => {
        const call = () => (statement[method] as (...a: unknown[]) => Promise<unknown>).apply(statement, args);
        return read ? withRetries(call) : call();
      };
    }
    inner.set(wrapped, statement);
    return wrapped;
  };
  return {
    prepare: (query: string) => wrap(database.prepare(query) as Statement, isRead(query)),
    batch: (statements: unknown[]) => database.batch(statements.map((s) => inner.get(s as object) ?? s)),
    exec: (query: string) => database.exec(query),
  };
}

async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const pause = BACKOFF_MS[attempt];
      if (pause === undefined || !isTransientD1Error(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
