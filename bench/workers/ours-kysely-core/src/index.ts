/** Ours: `@acme/auth-d1/kysely`, core (email/password). */
import { createAuth } from "@acme/auth-d1/kysely";
import { coreOptions } from "../../ours/core-options.js";
import { benchWorker } from "../../shared/bench-worker.js";

export default benchWorker((env) => createAuth(env, coreOptions));
