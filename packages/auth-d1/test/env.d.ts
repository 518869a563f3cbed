import type { D1Migration } from "@cloudflare/vitest-plugin";

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      /** DB's read replica in test/support/replica-lag.ts, which applies DB's writes when a test says so. */
      REPLICA: D1Database;
      /** A second migrated database, for createAuth's `binding` option. */
      AUTH_DB: D1Database;
      CONFORMANCE_DRIZZLE_DB: D1Database;
      CONFORMANCE_KYSELY_DB: D1Database;
      EMPTY_DB: D1Database;
      /** The shipped migrations plus the one `auth-d1 generate` wrote for test/fixtures/plugins. */
      PLUGINS_DB: D1Database;
      BETTER_AUTH_SECRET: string;
      BETTER_AUTH_URL: string;
      TEST_MIGRATIONS: D1Migration[];
      TEST_PLUGIN_MIGRATIONS: D1Migration[];
      /** The local `send_email` binding (tests wrap it in a recorder, test/support/mail.ts). */
      TEST_EMAIL: SendEmail;
      /** A Workers Rate Limiting binding (3 requests per key per minute), for the `rateLimitBinding` option. */
      TEST_RATE_LIMIT: RateLimit;
      /** A `send_email` binding that accepts only allowed@example.com: every other send fails. */
      TEST_EMAIL_RESTRICTED: SendEmail;
    }
  }
}
