import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// The SQL files the installed package ships, applied as `wrangler d1 migrations apply` would.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
