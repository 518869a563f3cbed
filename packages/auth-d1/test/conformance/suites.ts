/**
 * better-auth's adapter conformance suites, all seven, run against one of our adapters on a D1 binding
 * that the suites own: every migration drops its tables and builds the ones the next options need.
 *
 * @module
 */
import type { BetterAuthOptions } from "better-auth";
import {
  authFlowTestSuite,
  caseInsensitiveTestSuite,
  joinsTestSuite,
  normalTestSuite,
  numberIdTestSuite,
  testAdapter,
  transactionsTestSuite,
  uuidTestSuite,
} from "@better-auth/test-utils/adapter";
import { recreateAuthTables } from "./auth-tables.js";

/** What `testAdapter` wants: the adapter for a set of better-auth options. */
type AdapterFor = Parameters<typeof testAdapter>[0]["adapter"];

/**
 * Registers the seven suites for `adapter` on `database`. The transactions suite runs: both adapters
 * implement better-auth's transactions as a unit of work committed in one D1 `batch()`.
 *
 * @example
 * ```ts
 * await runConformanceSuites(env.CONFORMANCE_KYSELY_DB, () => kyselyD1Adapter(env.CONFORMANCE_KYSELY_DB));
 * ```
 */
export async function runConformanceSuites(database: D1Database, adapter: AdapterFor): Promise<void> {
  const { execute } = await testAdapter({
    adapter,
    runMigrations: (options: BetterAuthOptions) => recreateAuthTables(database, options),
    tests: [
      normalTestSuite(),
      authFlowTestSuite(),
      caseInsensitiveTestSuite(),
      joinsTestSuite(),
      numberIdTestSuite(),
      transactionsTestSuite(),
      uuidTestSuite(),
    ],
  });
  execute();
}
