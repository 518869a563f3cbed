/**
 * A Worker with no framework: better-auth under `/api/auth/*`, and a notes API that takes the JWTs
 * better-auth issues (`Authorization: Bearer <jwt>`) instead of the session cookie.
 *
 * @module
 */
import { deleteExpiredRows, isAuthD1Error } from "@acme/auth-d1";
import { authFor } from "./auth.js";
import { bearerUserId } from "./bearer.js";
import { limitBody, MAX_BODY_BYTES } from "./body-limit.js";
import { errorResponse, HttpError } from "./http-error.js";
import { notesMethods, notesResponse } from "./notes.js";

async function respond(received: Request, env: Env): Promise<Response> {
  const request = await limitBody(received, MAX_BODY_BYTES);
  const { pathname } = new URL(request.url);
  // better-auth answers sign-up, sign-in, get-session, token, jwks and the rest itself.
  if (pathname.startsWith("/api/auth/")) return authFor(env).handler(request);

  const methods = notesMethods(pathname);
  if (methods === undefined) throw new HttpError(404, "NOT_FOUND", `Nothing at ${pathname}.`);
  if (!methods.includes(request.method)) {
    throw new HttpError(405, "METHOD_NOT_ALLOWED", `${pathname} takes ${methods.join(" or ")}.`, { headers: { allow: methods.join(", ") } });
  }
  const userId = await bearerUserId(request, authFor(env), issuerOf(env));
  return notesResponse(request, env, userId);
}

/** BETTER_AUTH_URL, the `iss` and `aud` of every token: without it jose would not check either claim. */
function issuerOf(env: Env): string {
  if (env.BETTER_AUTH_URL) return env.BETTER_AUTH_URL;
  throw new HttpError(
    500,
    "BETTER_AUTH_URL_MISSING",
    "[worker-kysely] BETTER_AUTH_URL is missing: set it to the Worker's public origin in .dev.vars, or with `wrangler secret put BETTER_AUTH_URL`.",
  );
}

export default {
  async fetch(request, env) {
    try {
      return await respond(request, env);
    } catch (error) {
      if (error instanceof HttpError) {
        if (error.status >= 500) console.error(error);
        return errorResponse(error);
      }
      console.error(error);
      // A configuration mistake (say, no BETTER_AUTH_SECRET in .dev.vars) says what to fix instead of a bare 500.
      if (isAuthD1Error(error)) return Response.json({ code: error.code, message: error.message }, { status: 500 });
      return Response.json({ code: "INTERNAL_SERVER_ERROR" }, { status: 500 });
    }
  },
  // The Cron Trigger in wrangler.jsonc: expired rows are deleted in bounded batches.
  scheduled(_controller, env, ctx) {
    ctx.waitUntil(deleteExpiredRows(env).then(() => undefined));
  },
} satisfies ExportedHandler<Env>;
