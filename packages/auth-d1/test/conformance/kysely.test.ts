import { env } from "cloudflare:test";
import { kyselyD1Adapter } from "../../src/kysely.js";
import { runConformanceSuites } from "./suites.js";

// A fresh adapter per options change, as an app would build one per better-auth instance.
await runConformanceSuites(env.CONFORMANCE_KYSELY_DB, () => kyselyD1Adapter(env.CONFORMANCE_KYSELY_DB));
