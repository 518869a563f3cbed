/**
 * Local development on two addresses. `wrangler dev` listens on 127.0.0.1 and its banner says
 * `Ready on http://127.0.0.1:8787`, but `BETTER_AUTH_URL` is http://localhost:8787, because browsers refuse
 * passkeys on an IP address. So while `BETTER_AUTH_URL` is a localhost URL, pages opened on 127.0.0.1
 * (or [::1]) at the same port are sent to localhost, and API calls from there are trusted: it is the same
 * server under another name. A deployed Worker, whose `BETTER_AUTH_URL` is a real domain, gets neither.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

const LOOPBACK_IPS = ["127.0.0.1", "[::1]"];
const PAGE_METHODS = new Set(["GET", "HEAD"]);

/**
 * The loopback-IP origins that reach the same local server as a `localhost` `BETTER_AUTH_URL` (same scheme
 * and port); none for any other `BETTER_AUTH_URL`, or none at all.
 *
 * @example
 * ```ts
 * loopbackTwins({ BETTER_AUTH_URL: "http://localhost:8787" }); // ["http://127.0.0.1:8787", "http://[::1]:8787"]
 * loopbackTwins({ BETTER_AUTH_URL: "https://auth.example.com" }); // []
 * ```
 */
export function loopbackTwins(env: { BETTER_AUTH_URL?: string | undefined }): string[] {
  const origin = localOrigin(env);
  if (origin === undefined) return [];
  return LOOPBACK_IPS.map((ip) => {
    const twin = new URL(origin);
    twin.hostname = ip;
    return twin.origin;
  });
}

/**
 * The origin of `BETTER_AUTH_URL` when it names localhost, which means local development; else undefined.
 *
 * @example
 * ```ts
 * localOrigin({ BETTER_AUTH_URL: "http://localhost:8787/" }); // "http://localhost:8787"
 * localOrigin({ BETTER_AUTH_URL: "https://auth.example.com" }); // undefined
 * ```
 */
export function localOrigin(env: { BETTER_AUTH_URL?: string | undefined }): string | undefined {
  const url = env.BETTER_AUTH_URL ? URL.parse(env.BETTER_AUTH_URL) : null;
  return url?.hostname === "localhost" ? url.origin : undefined;
}

/**
 * Sends a page load (GET or HEAD outside `/api/`) on a loopback twin of a localhost `BETTER_AUTH_URL` to the
 * same path and query on `BETTER_AUTH_URL`'s origin, with 302. The target is built from `BETTER_AUTH_URL`
 * alone: the request's host only decides whether to redirect, never where to.
 *
 * @example
 * ```ts
 * app.use("*", loopbackRedirect); // http://127.0.0.1:8787/sign-in?next=/profile -> http://localhost:8787/sign-in?next=/profile
 * ```
 */
export const loopbackRedirect: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  if (!PAGE_METHODS.has(c.req.method) || c.req.path.startsWith("/api/")) return next();
  const requested = new URL(c.req.url);
  if (!loopbackTwins(c.env).includes(requested.origin)) return next();
  const target = new URL(localOrigin(c.env)!);
  // Set apart, not parsed as a relative URL: a path like `//evil.example/` stays a path on localhost.
  target.pathname = requested.pathname;
  target.search = requested.search;
  return c.redirect(target.href, 302);
};
