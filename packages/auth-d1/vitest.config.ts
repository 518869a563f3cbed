import { join } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Three projects: the workerd one runs against a real local D1 (Miniflare) with the shipped migrations
// applied; the types one type-checks the compile-time tests; the node one builds bundles and runs
// the CLI, which need a file system.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(join(import.meta.dirname, "migrations"));
  // What `auth-d1 generate` wrote for test/fixtures/plugins/auth.config.ts, applied after the shipped ones.
  const pluginMigrations = await readD1Migrations(join(import.meta.dirname, "test", "fixtures", "plugins", "migrations"));
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              // A Worker for tests that need separate requests to one isolate (`exports.default.fetch`).
              main: "./test/fixtures/isolate-worker.ts",
              miniflare: {
                compatibilityDate: "2026-11-01",
                compatibilityFlags: ["nodejs_compat"],
                // DB and AUTH_DB carry the shipped migrations (AUTH_DB for the `binding` option); the conformance
                // suites rebuild their own tables in the next two; EMPTY_DB stays empty, for tests of what
                // happens without the migrations.
                // REPLICA gets the shipped migrations too: test/support/replica-lag.ts makes it DB's lagging read replica.
                // PLUGINS_DB gets the shipped migrations and the generated one, in test/generate-plugins.test.ts.
                d1Databases: ["DB", "REPLICA", "AUTH_DB", "CONFORMANCE_DRIZZLE_DB", "CONFORMANCE_KYSELY_DB", "EMPTY_DB", "PLUGINS_DB"],
                // Cloudflare Email Service as local wrangler runs it: each message is checked and written to disk.
                // Tests wrap TEST_EMAIL in a recorder and pass it as EMAIL; TEST_EMAIL_RESTRICTED refuses every
                // recipient but one, a real binding failing a send.
                email: {
                  send_email: [{ name: "TEST_EMAIL" }, { name: "TEST_EMAIL_RESTRICTED", allowed_destination_addresses: ["allowed@example.com"] }],
                },
                // A Workers Rate Limiting binding, for the `rateLimitBinding` option: 3 requests per key per minute.
                ratelimits: { TEST_RATE_LIMIT: { namespace_id: "1001", simple: { limit: 3, period: 60 } } },
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  TEST_PLUGIN_MIGRATIONS: pluginMigrations,
                  BETTER_AUTH_SECRET: "test-secret-that-is-long-enough-0123456789",
                  BETTER_AUTH_URL: "http://localhost:8787",
                },
              },
            }),
          ],
          test: {
            name: "auth-d1:workerd",
            include: ["src/**/*.test.ts", "test/**/*.test.ts"],
            // Several tests hash a dozen passwords (scrypt, about 100 ms each): on a busy 2-core machine the
            // 5 s default would fail them for being slow, not wrong.
            testTimeout: 30_000,
            // test/artifact is a Worker of its own that runs against the packed tarball (artifact.node.test.ts).
            exclude: ["test/**/*.node.test.ts", "test/artifact/**"],
            setupFiles: ["./test/apply-migrations.ts"],
          },
        },
        {
          test: {
            // Compile-time tests (expectTypeOf): vitest runs tsc over them; they never execute.
            name: "auth-d1:types",
            include: [],
            typecheck: { enabled: true, only: true, include: ["test/types/**/*.test-d.ts"], tsconfig: "./tsconfig.typetests.json" },
          },
        },
        {
          test: {
            name: "auth-d1:node",
            environment: "node",
            include: ["test/**/*.node.test.ts"],
            testTimeout: 60_000,
          },
        },
      ],
    },
  };
});
