import { env } from "cloudflare:test";
import { drizzleD1Adapter } from "../../src/drizzle.js";
import { drizzleAuthSchema } from "./auth-tables.js";
import { runConformanceSuites } from "./suites.js";

// The drizzle schema follows the options: every suite that adds a model or renames one gets matching tables.
await runConformanceSuites(env.CONFORMANCE_DRIZZLE_DB, (options) => drizzleD1Adapter(env.CONFORMANCE_DRIZZLE_DB, drizzleAuthSchema(options)));
