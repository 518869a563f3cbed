/** Baseline: plain `better-auth` with its Drizzle adapter and the CLI's schema, every plugin of our presets. */
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../baseline/schema.js";
import { baselineOptions } from "../../baseline/options.js";
import { everyPlugin } from "../../baseline/plugins.js";
import { benchWorker, type BenchEnv } from "../../shared/bench-worker.js";

function build(env: BenchEnv) {
  return betterAuth({ ...baselineOptions(env), database: drizzleAdapter(drizzle(env.DB, { schema }), { provider: "sqlite", schema }), plugins: everyPlugin() });
}

export default benchWorker(build);
