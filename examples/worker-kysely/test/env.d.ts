import type { D1Migration } from "@cloudflare/vitest-plugin";

declare global {
  namespace Cloudflare {
    interface Env {
      /** The example's migrations folder, read by vitest.config.ts and applied in apply-migrations.ts. */
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
