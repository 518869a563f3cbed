/**
 * Who may call this Worker from a browser: its own origin, and the front ends listed in `TRUSTED_ORIGINS`
 * (the same list better-auth trusts). CORS headers go to those front ends only, and requests that change
 * something are refused from any other origin. In local development its loopback-IP twin (127.0.0.1 for
 * localhost, see ./loopback.ts) counts as its own origin too.
 *
 * @module
 */
import { readAuthEnv } from "@acme/auth-d1";
import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { loopbackTwins } from "./loopback.js";

type AppContext = Context<{ Bindings: Env }>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** `TRUSTED_ORIGINS`, read from env on every request (so a changed var needs no new deploy of code). */
function trustedOrigins(env: Env): string[] {
  return readAuthEnv(env).trustedOrigins.map((origin) => new URL(origin).origin);
}

/** The Worker's own origin: that of `BETTER_AUTH_URL`, or of the request when it is unset. */
function ownOrigin(c: AppContext): string {
  return new URL(c.env.BETTER_AUTH_URL || c.req.url).origin;
}

/**
 * CORS for `/api/*`: a trusted origin gets `Access-Control-Allow-Origin` set to itself and may send
 * cookies; any other origin gets no CORS headers, so its browser keeps the answer from it.
 *
 * @example
 * ```ts
 * app.use("/api/*", apiCors);
 * ```
 */
export const apiCors: MiddlewareHandler<{ Bindings: Env }> = cors({
  origin: (origin, c: AppContext) => (trustedOrigins(c.env).includes(origin) ? origin : null),
  credentials: true,
  allowMethods: ["GET", "POST", "OPTIONS"],
  allowHeaders: ["Content-Type", "Authorization"],
  // presets.jwt puts a JWT in this header of get-session answers; a front end may read it.
  exposeHeaders: ["set-auth-jwt"],
  maxAge: 600,
});

/**
 * Refuses a POST (or any method that is not GET, HEAD or OPTIONS) from an origin that is neither this
 * Worker's nor trusted, and one that carries cookies but no `Origin` at all, with 403 JSON. better-auth
 * checks its own endpoints too; this covers the pages' form posts as well and gives one clear answer.
 *
 * @example
 * ```ts
 * app.use("*", originGuard);
 * ```
 */
export const originGuard: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) return next();
  const origin = c.req.header("origin");
  if (origin === undefined) {
    if (c.req.header("cookie") === undefined) return next();
    return c.json({ code: "ORIGIN_MISSING", message: "A request that carries cookies must carry an Origin header too." }, 403);
  }
  if (origin === ownOrigin(c) || loopbackTwins(c.env).includes(origin) || trustedOrigins(c.env).includes(origin)) return next();
  return c.json(
    {
      code: "ORIGIN_NOT_ALLOWED",
      message: `Requests from ${origin} are not allowed. If a front end there should call this Worker, add ${origin} to TRUSTED_ORIGINS (comma-separated).`,
    },
    403,
  );
};
