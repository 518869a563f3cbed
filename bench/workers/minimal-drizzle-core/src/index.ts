/** Baseline: hand-wired `better-auth/minimal` on `@better-auth/drizzle-adapter` over drizzle-orm/d1, core (email/password), no plugins. */
import { drizzleAdapter } from "@better-auth/drizzle-adapter";
import { betterAuth } from "better-auth/minimal";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../baseline/schema.js";
import { baselineOptions } from "../../baseline/options.js";
import { benchWorker, type BenchEnv } from "../../shared/bench-worker.js";

function build(env: BenchEnv) {
  return betterAuth({ ...baselineOptions(env), database: drizzleAdapter(drizzle(env.DB, { schema }), { provider: "sqlite", schema }) });
}

export default benchWorker(build);
