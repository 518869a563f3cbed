/** Ours: `@acme/auth-d1/drizzle`, every preset. */
import { createAuth } from "@acme/auth-d1/drizzle";
import { everyPresetOptions } from "../../ours/preset-options.js";
import { benchWorker } from "../../shared/bench-worker.js";

export default benchWorker((env) => createAuth(env, everyPresetOptions));
