/**
 * A Hono Worker with better-auth on D1: the auth endpoints under `/api/auth/*` with every preset, one
 * JSON route that needs a session, CORS for a front end on another origin, and small HTML pages, behind
 * security headers and one cap on request bodies.
 *
 * @module
 */
import { deleteExpiredRows, isAuthD1Error } from "@acme/auth-d1";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { authFor } from "./auth.js";
import { loopbackRedirect } from "./loopback.js";
import { apiCors, originGuard } from "./origins.js";
import { pages } from "./pages/routes.js";
import { apiReference, REFERENCE_PATH } from "./reference.js";
import { securityHeaders } from "./security-headers.js";

const app = new Hono<{ Bindings: Env }>();

/**
 * The largest request body any route reads. The pages' forms and better-auth's JSON are a few hundred
 * bytes; @acme/auth-d1 holds `/api/auth/*` to 64 KiB as well (`limits.maxBodyBytes`).
 */
const MAX_BODY_BYTES = 64 * 1024;

// First, so that every answer carries them, refusals included: CSP, frame-ancestors, nosniff, Referrer-Policy.
app.use("*", securityHeaders);
// In local development, pages opened on 127.0.0.1 (wrangler's banner) move to localhost, where passkeys work.
app.use("*", loopbackRedirect);
// Then the origin check, so a refused request reaches neither better-auth nor a page.
app.use("*", originGuard);
app.use("/api/*", apiCors);
// A declared length over the cap is refused unread; a body streamed without one is read only up to the cap.
app.use(
  "*",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ code: "PAYLOAD_TOO_LARGE", message: `The request body is larger than ${MAX_BODY_BYTES} bytes.` }, 413),
  }),
);

// In local development only, and with its viewer pinned: see ./reference.ts.
app.get(REFERENCE_PATH, apiReference);
// better-auth answers sign-up, sign-in, get-session, sign-out, the presets' endpoints and the OpenAPI schema.
app.on(["GET", "POST"], "/api/auth/*", (c) => authFor(c.env).handler(c.req.raw));

app.get("/api/me", async (c) => {
  const session = await authFor(c.env).api.getSession({ headers: c.req.raw.headers });
  if (!session) return c.json({ code: "UNAUTHORIZED" }, 401);
  return c.json({ user: session.user });
});

app.route("/", pages);

app.notFound((c) => c.json({ code: "NOT_FOUND" }, 404));

// A configuration mistake (say, no BETTER_AUTH_SECRET in .dev.vars) says what to fix instead of a bare 500.
app.onError((error, c) => {
  console.error(error);
  if (isAuthD1Error(error)) return c.json({ code: error.code, message: error.message }, 500);
  return c.json({ code: "INTERNAL_SERVER_ERROR" }, 500);
});

export default {
  fetch: app.fetch,
  // The Cron Trigger in wrangler.jsonc: expired rows are deleted in bounded batches.
  scheduled(_controller, env, ctx) {
    ctx.waitUntil(deleteExpiredRows(env).then(() => undefined));
  },
} satisfies ExportedHandler<Env>;
