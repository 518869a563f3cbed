import { join } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects. In the first, the Worker runs in workerd exactly as wrangler.jsonc describes it (main,
// compatibility date and flags, the DB binding); the tests add the migrations to apply, and a fixed secret
// and the vars in place of .dev.vars. The second is the browser journey: Node drives Debian's Chromium
// against `wrangler dev` on a free loopback port.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(join(import.meta.dirname, "migrations"));
  const workerd = cloudflareTest({
    wrangler: { configPath: join(import.meta.dirname, "wrangler.jsonc") },
    miniflare: {
      bindings: {
        TEST_MIGRATIONS: migrations,
        BETTER_AUTH_SECRET: "hono-drizzle-example-test-secret-0123456789",
        BETTER_AUTH_URL: "http://localhost:8787",
        // A single-page app on another origin, as in .dev.vars.example.
        TRUSTED_ORIGINS: "http://localhost:5173",
      },
    },
  });
  return {
    test: {
      projects: [
        {
          plugins: [workerd],
          test: {
            name: "workerd",
            include: ["test/**/*.test.ts"],
            // Tests that hash several passwords (scrypt) must not fail for a slow machine.
            testTimeout: 30_000,
            setupFiles: ["./test/apply-migrations.ts"],
          },
        },
        {
          test: {
            name: "browser",
            include: ["test/browser/**/*.e2e.ts"],
            environment: "node",
            testTimeout: 60_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  };
});
