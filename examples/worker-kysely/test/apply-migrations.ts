import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// The migrations folder `wrangler d1 migrations apply` reads (auth-d1's two, then the notes table),
// applied to the test database before every file.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
