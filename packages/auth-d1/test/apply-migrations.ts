import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:test";

// The shipped migrations, exactly as a user applies them with `wrangler d1 migrations apply`.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.AUTH_DB, env.TEST_MIGRATIONS);
// DB's read replica in test/support/replica-lag.ts: migrated alike, so both start with the same tables.
await applyD1Migrations(env.REPLICA, env.TEST_MIGRATIONS);
