/**
 * The Drizzle Worker, the `main` of wrangler.jsonc.
 *
 * @module
 */
import { isAuthD1Error, type AuthD1Env } from "@acme/auth-d1";
import { createAuth } from "@acme/auth-d1/drizzle";
import { options } from "./options.js";

export default {
  async fetch(request, env): Promise<Response> {
    const bindings: AuthD1Env = env;
    try {
      return await createAuth(bindings, options).handler(request);
    } catch (error) {
      // A configuration mistake (no BETTER_AUTH_SECRET, no DB) says what to fix instead of a bare 500.
      if (isAuthD1Error(error)) return Response.json({ code: error.code, message: error.message }, { status: 500 });
      throw error;
    }
  },
} satisfies ExportedHandler<Env>;
