/** Ours: `@acme/auth-d1/drizzle`, core (email/password). */
import { createAuth } from "@acme/auth-d1/drizzle";
import { coreOptions } from "../../ours/core-options.js";
import { benchWorker } from "../../shared/bench-worker.js";

export default benchWorker((env) => createAuth(env, coreOptions));
