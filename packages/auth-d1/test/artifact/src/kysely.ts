/**
 * The same Worker on Kysely, bundled on its own by `wrangler deploy --dry-run src/kysely.ts`.
 *
 * @module
 */
import { createAuth } from "@acme/auth-d1/kysely";
import { options } from "./options.js";

export default {
  fetch: (request, env) => createAuth(env, options).handler(request),
} satisfies ExportedHandler<Env>;
