/** Baseline: hand-wired `better-auth/minimal` on `@better-auth/kysely-adapter` over kysely-d1, every plugin of our presets. */
import { kyselyAdapter } from "@better-auth/kysely-adapter";
import { betterAuth } from "better-auth/minimal";
import { Kysely } from "kysely";
import { D1Dialect } from "kysely-d1";
import { baselineOptions } from "../../baseline/options.js";
import { everyPlugin } from "../../baseline/plugins.js";
import { benchWorker, type BenchEnv } from "../../shared/bench-worker.js";

function build(env: BenchEnv) {
  const db = new Kysely({ dialect: new D1Dialect({ database: env.DB }) });
  return betterAuth({ ...baselineOptions(env), database: kyselyAdapter(db, { type: "sqlite" }), plugins: everyPlugin() });
}

export default benchWorker(build);
