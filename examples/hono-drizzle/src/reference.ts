/**
 * `/api/auth/reference`: better-auth's endpoints in Scalar's API reference viewer, in local development only
 * (`BETTER_AUTH_URL` on localhost). The viewer is a 4.8 MB script from jsDelivr, so the page pins its
 * version and checks it with subresource integrity, and its Content-Security-Policy allows that one file
 * and nothing else from elsewhere. A deployed Worker answers 404: its auth origin runs no third-party
 * script. The schema itself stays at `/api/auth/open-api/generate-schema`.
 *
 * @module
 */
import type { Handler } from "hono";
import { html } from "hono/html";
import { secureHeaders } from "hono/secure-headers";
import { localOrigin } from "./loopback.js";

/** Where the reference lives; better-auth's own page there (unpinned CDN script) is turned off in ./auth.ts. */
export const REFERENCE_PATH = "/api/auth/reference";

const SCHEMA_PATH = "/api/auth/open-api/generate-schema";

/**
 * `@scalar/api-reference` 1.76.0's `dist/browser/standalone.js`, as jsDelivr serves it from npm. The hash
 * is that file's from the npm tarball: `npm pack @scalar/api-reference@1.76.0`, then
 * `openssl dgst -sha384 -binary package/dist/browser/standalone.js | openssl base64 -A`. Recompute both
 * when you move to another version.
 */
export const SCALAR_SCRIPT = {
  src: "https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.76.0/dist/browser/standalone.js",
  integrity: "sha384-oH1C0RwqcwbVXkC+r8A+4qRoyEUQdtxAzOwumkxZtQBBcsy61FOoPt7B50OVJYYQ",
} as const;

/**
 * The reference page's headers: only the pinned script runs; Scalar injects its own `<style>` elements,
 * hence `'unsafe-inline'` for styles (never for scripts); it fetches the schema from this origin; no fonts
 * from Scalar's font CDN (`withDefaultFonts: false`).
 */
export const referenceSecurityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: [SCALAR_SCRIPT.src],
    styleSrc: ["'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: "DENY",
  referrerPolicy: "same-origin",
});

/**
 * The reference page in local development, 404 JSON otherwise.
 *
 * @example
 * ```ts
 * app.get(REFERENCE_PATH, apiReference); // before the better-auth route
 * ```
 */
export const apiReference: Handler<{ Bindings: Env }> = (c) => {
  if (localOrigin(c.env) === undefined) return c.json({ code: "NOT_FOUND" }, 404);
  const configuration = JSON.stringify({ url: SCHEMA_PATH, withDefaultFonts: false, metaData: { title: "auth-d1 example API" } });
  return c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>API reference · auth-d1 example</title>
  </head>
  <body>
    <script id="api-reference" type="application/json" data-configuration="${configuration}"></script>
    <script src="${SCALAR_SCRIPT.src}" integrity="${SCALAR_SCRIPT.integrity}" crossorigin="anonymous"></script>
  </body>
</html>`);
};
