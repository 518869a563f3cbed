import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:test";

// The shipped migrations, exactly as a user applies them with `wrangler d1 migrations apply`.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.AUTH_DB, env.TEST_MIGRATIONS);
