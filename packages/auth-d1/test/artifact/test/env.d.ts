import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      /** node_modules/@acme/auth-d1/migrations, read by vitest.config.ts and applied in apply-migrations.ts. */
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
