/**
 * A Hono Worker with better-auth on D1: the auth endpoints under `/api/auth/*` and one route that needs a session.
 *
 * @module
 */
import { isAuthD1Error } from "@acme/auth-d1";
import { createAuth, type AuthD1Options } from "@acme/auth-d1/drizzle";
import { Hono } from "hono";

/**
 * Defined once at module scope: `createAuth` keeps one better-auth instance per env and options object,
 * so a new object on every request would build a new instance every time.
 */
const authOptions = {
  // No mail provider in this example: verification and reset links appear in the `wrangler dev` log.
  sendEmail(mail) {
    const detail = mail.kind === "two-factor-otp" ? `code ${mail.otp}` : mail.url;
    console.log(`[mail] ${mail.subject} (to ${mail.to}): ${detail}`);
  },
} satisfies AuthD1Options;

const app = new Hono<{ Bindings: Env }>();

// better-auth answers sign-up, sign-in, get-session, sign-out and the rest itself.
app.on(["GET", "POST"], "/api/auth/*", (c) => createAuth(c.env, authOptions).handler(c.req.raw));

app.get("/api/me", async (c) => {
  const session = await createAuth(c.env, authOptions).api.getSession({ headers: c.req.raw.headers });
  if (!session) return c.json({ code: "UNAUTHORIZED" }, 401);
  return c.json({ user: session.user });
});

app.notFound((c) => c.json({ code: "NOT_FOUND" }, 404));

// A configuration mistake (say, no BETTER_AUTH_SECRET in .dev.vars) says what to fix instead of a bare 500.
app.onError((error, c) => {
  console.error(error);
  if (isAuthD1Error(error)) return c.json({ code: error.code, message: error.message }, 500);
  return c.json({ code: "INTERNAL_SERVER_ERROR" }, 500);
});

export default app;
