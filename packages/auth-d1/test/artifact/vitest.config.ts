import { join } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The Worker runs in workerd as wrangler.jsonc describes it, on the migrations inside the installed tarball.
// The package's own vitest projects exclude test/artifact, so they never run these files in the workspace.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(join(import.meta.dirname, "node_modules", "@acme", "auth-d1", "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: join(import.meta.dirname, "wrangler.jsonc") },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            BETTER_AUTH_SECRET: "artifact-check-secret-0123456789abcdef",
            BETTER_AUTH_URL: "http://127.0.0.1:8787",
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
    },
  };
});
