/**
 * The HTML pages: each route reads what it shows through `auth.api` with the request's cookies and
 * renders it on the server. Actions happen in the browser (see ./scripts.ts), except turning on
 * two-factor authentication, a form post whose answer carries the secret and its QR code.
 *
 * @module
 */
import { checkRateLimit } from "@acme/auth-d1";
import { isAPIError } from "better-auth/api";
import { Hono, type Context } from "hono";
import { renderSVG } from "uqr";
import { authFor } from "../auth.js";
import { localOrigin } from "../loopback.js";
import { cspNonce } from "../security-headers.js";
import { acceptInvitationPage } from "./accept-invitation.js";
import { homePage } from "./home.js";
import { safeNext } from "./layout.js";
import { organizationsPage } from "./organizations.js";
import { emailCodePage, magicLinkPage } from "./passwordless.js";
import { profilePage, type ProfileProps, type TwoFactorEnrolment } from "./profile.js";
import { signInPage } from "./sign-in.js";
import { signUpPage } from "./sign-up.js";
import { STYLESHEET, STYLESHEET_PATH } from "./style.js";

type AppContext = Context<{ Bindings: Env }>;

/**
 * Every page, for `app.route("/", pages)`.
 *
 * @example
 * ```ts
 * app.route("/", pages);
 * ```
 */
export const pages = new Hono<{ Bindings: Env }>();

function getSession(c: AppContext) {
  return authFor(c.env).api.getSession({ headers: c.req.raw.headers });
}

/** To sign-in, coming back to the page `back` afterwards. */
function signInFirst(c: AppContext, back: string): Response {
  return c.redirect(`/sign-in?next=${encodeURIComponent(back)}`);
}

/** better-auth's own message for a refused call, and its status. */
function describeError(error: unknown): { message: string; status: 400 | 401 | 403 | 404 | 422 } {
  if (!isAPIError(error)) throw error;
  const status = [401, 403, 404, 422].includes(error.statusCode) ? (error.statusCode as 401 | 403 | 404 | 422) : 400;
  return { message: error.body?.message ?? error.message, status };
}

pages.get(STYLESHEET_PATH, (c) => {
  c.header("cache-control", "public, max-age=300");
  return c.body(STYLESHEET, 200, { "content-type": "text/css; charset=utf-8" });
});

pages.get("/", async (c) => {
  const session = await getSession(c);
  return c.html(homePage({ user: session?.user ?? null, notice: c.req.query("notice"), localOrigin: localOrigin(c.env), nonce: cspNonce(c) }));
});

pages.get("/sign-up", async (c) => {
  const session = await getSession(c);
  return c.html(signUpPage({ user: session?.user ?? null, next: safeNext(c.req.query("next"), new URL(c.req.url).origin), nonce: cspNonce(c) }));
});

pages.get("/sign-in/magic-link", async (c) =>
  c.html(magicLinkPage({ user: (await getSession(c))?.user ?? null, next: safeNext(c.req.query("next"), new URL(c.req.url).origin), nonce: cspNonce(c) })),
);
pages.get("/sign-in/email-code", async (c) =>
  c.html(emailCodePage({ user: (await getSession(c))?.user ?? null, next: safeNext(c.req.query("next"), new URL(c.req.url).origin), nonce: cspNonce(c) })),
);

pages.get("/sign-in", async (c) => {
  const session = await getSession(c);
  return c.html(signInPage({ user: session?.user ?? null, next: safeNext(c.req.query("next"), new URL(c.req.url).origin), notice: c.req.query("notice"), nonce: cspNonce(c) }));
});

/** What the profile page needs besides the enrolment, or null when signed out. */
async function loadProfile(c: AppContext): Promise<ProfileProps | null> {
  const auth = authFor(c.env);
  const headers = c.req.raw.headers;
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const [sessions, passkeys] = await Promise.all([auth.api.listSessions({ headers }), auth.api.listPasskeys({ headers })]);
  return { user: session.user, currentToken: session.session.token, sessions, passkeys, notice: c.req.query("notice"), nonce: cspNonce(c) };
}

pages.get("/profile", async (c) => {
  const profile = await loadProfile(c);
  return profile ? c.html(profilePage(profile)) : signInFirst(c, "/profile");
});

// Step one of two-factor set-up. better-auth stores a new secret (unverified) and returns its otpauth URI
// and backup codes once; the page shows them, and the code the user then enters turns two factors on.
pages.post("/profile/two-factor", async (c) => {
  const profile = await loadProfile(c);
  if (!profile) return signInFirst(c, "/profile");
  // auth.api is never rate-limited: this route checks a password, so it counts against the same limit as
  // POST /api/auth/two-factor/enable, per client and per account (the limiter is on wherever the Worker is not
  // serving localhost).
  const refused = await checkRateLimit(authFor(c.env), c.req.raw, { path: "/two-factor/enable", account: profile.user.email });
  if (refused) {
    const retryAfter = refused.headers.get("retry-after") ?? "60";
    return c.html(profilePage({ ...profile, error: `Too many attempts: try again in ${retryAfter} seconds.` }), 429, { "retry-after": retryAfter });
  }
  const form = await c.req.parseBody();
  const password = typeof form.password === "string" ? form.password : "";
  try {
    const result = await authFor(c.env).api.enableTwoFactor({ headers: c.req.raw.headers, body: { password } });
    if (!("totpURI" in result)) throw new Error("two-factor/enable answered without a TOTP URI");
    return c.html(profilePage({ ...profile, enrolment: enrolmentFor(result.totpURI, result.backupCodes) }));
  } catch (error) {
    const { message, status } = describeError(error);
    return c.html(profilePage({ ...profile, error: message }), status);
  }
});

function enrolmentFor(totpURI: string, backupCodes: string[]): TwoFactorEnrolment {
  const secret = new URL(totpURI).searchParams.get("secret") ?? "";
  return { secret, qrSVG: renderSVG(totpURI, { border: 2, pixelSize: 6 }), backupCodes };
}

pages.get("/organizations", async (c) => {
  const auth = authFor(c.env);
  const headers = c.req.raw.headers;
  const session = await auth.api.getSession({ headers });
  if (!session) return signInFirst(c, "/organizations");
  const [organizations, active, received] = await Promise.all([
    auth.api.listOrganizations({ headers }),
    session.session.activeOrganizationId ? auth.api.getFullOrganization({ headers }) : null,
    // better-auth lists invitations only to a verified address.
    session.user.emailVerified ? auth.api.listUserInvitations({ headers }) : null,
  ]);
  return c.html(organizationsPage({ user: session.user, organizations, active: active ?? null, received, notice: c.req.query("notice"), nonce: cspNonce(c) }));
});

pages.get("/accept-invitation/:id", async (c) => {
  const invitationId = c.req.param("id");
  const auth = authFor(c.env);
  const headers = c.req.raw.headers;
  const session = await auth.api.getSession({ headers });
  if (!session) return c.html(acceptInvitationPage({ user: null, invitationId, nonce: cspNonce(c) }));
  if (!session.user.emailVerified) {
    // presets.organization lets only a verified address see and accept an invitation: say what to do first.
    const error = "Verify your email address first: open the link in the mail we sent you, then come back to this page.";
    return c.html(acceptInvitationPage({ user: session.user, invitationId, error, nonce: cspNonce(c) }));
  }
  try {
    const invitation = await auth.api.getInvitation({ headers, query: { id: invitationId } });
    return c.html(acceptInvitationPage({ user: session.user, invitationId, invitation, nonce: cspNonce(c) }));
  } catch (error) {
    const { message, status } = describeError(error);
    return c.html(acceptInvitationPage({ user: session.user, invitationId, error: message, nonce: cspNonce(c) }), status);
  }
});
