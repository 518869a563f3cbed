/** Ours: `@acme/auth-d1/drizzle`, every preset, and `readReplication` on (a D1 session per request). */
import { createAuth } from "@acme/auth-d1/drizzle";
import { everyPresetOptions } from "../../ours/preset-options.js";
import { benchWorker } from "../../shared/bench-worker.js";

const options = { ...everyPresetOptions, readReplication: true };

export default benchWorker((env) => createAuth(env, options));
