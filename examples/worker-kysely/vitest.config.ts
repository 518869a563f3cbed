import { join } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The Worker runs in workerd exactly as wrangler.jsonc describes it (main, compatibility date and flags, the
// DB binding); the tests add the migrations to apply and fixed vars in place of .dev.vars.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: join(import.meta.dirname, "wrangler.jsonc") },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            BETTER_AUTH_SECRET: "worker-kysely-example-test-secret-0123456789",
            BETTER_AUTH_URL: "http://127.0.0.1:8788",
          },
        },
      }),
    ],
    test: {
      name: "worker-kysely-example",
      // Tests that hash several passwords (scrypt) must not fail for a slow machine.
      testTimeout: 30_000,
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
    },
  };
});
