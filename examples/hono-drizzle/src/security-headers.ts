/**
 * Security headers on every response, through Hono's `secureHeaders`. The pages get a Content-Security-Policy
 * that runs only the inline script carrying this response's nonce, takes styles from the Worker alone
 * (`/assets/style.css`), talks to this origin only, and may not be framed (`frame-ancestors 'none'`, and
 * `X-Frame-Options: DENY` for older browsers): with `SameSite=None` cookies over https, a framed `/profile`
 * would let another site trick a click on Revoke or Sign out. The API reference has its own policy (./reference.ts).
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { REFERENCE_PATH, referenceSecurityHeaders } from "./reference.js";

const pageSecurityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: [NONCE],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: "DENY",
  // Not hono's `no-referrer`: with it, browsers send `Origin: null` on a form post, and the origin check
  // (./origins.ts) would refuse the two-factor form. `same-origin` still tells other sites nothing.
  referrerPolicy: "same-origin",
});

/**
 * Sets the headers above on every response (and the reference page's own on that page); put it first, so
 * that refusals (403, 413) carry them too.
 *
 * @example
 * ```ts
 * app.use("*", securityHeaders);
 * ```
 */
export const securityHeaders: MiddlewareHandler<{ Bindings: Env }> = (c, next) =>
  c.req.path === REFERENCE_PATH ? referenceSecurityHeaders(c, next) : pageSecurityHeaders(c, next);

/**
 * This response's CSP nonce, for the page's inline `<script nonce="...">`.
 *
 * @example
 * ```ts
 * return c.html(homePage({ user, nonce: cspNonce(c) }));
 * ```
 */
export function cspNonce(c: Context): string {
  const nonce = c.get("secureHeadersNonce");
  if (nonce === undefined) throw new Error("[hono-drizzle] no CSP nonce for this page: `app.use(\"*\", securityHeaders)` must come before the pages.");
  return nonce;
}
