/**
 * What every baseline shares besides its adapter and plugins: secrets and URL from env, email/password,
 * the bench's cookie cache and rate limiting (better-auth's own limiter, counters in D1, as guides set it).
 *
 * @module
 */
import type { BenchEnv } from "../shared/bench-worker.js";
import { cookieCache, rateLimit } from "../shared/bench-worker.js";

/** better-auth options for `env` without `database` and `plugins`. */
export function baselineOptions(env: BenchEnv) {
  return {
    appName: "bench",
    secret: env.BETTER_AUTH_SECRET,
    baseURL: env.BETTER_AUTH_URL,
    emailAndPassword: { enabled: true },
    session: { cookieCache },
    rateLimit: { ...rateLimit, storage: "database" as const },
  };
}
