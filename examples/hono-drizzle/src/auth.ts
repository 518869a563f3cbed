/**
 * This Worker's better-auth: every preset of `@acme/auth-d1`, the OpenAPI reference, and mail written to
 * the log instead of sent.
 *
 * @module
 */
import type { AuthEmail } from "@acme/auth-d1";
import { createAuth, type AuthD1Options } from "@acme/auth-d1/drizzle";
import * as presets from "@acme/auth-d1/presets";
import { passkey } from "@acme/auth-d1/presets/passkey";
import { createAccessControl } from "better-auth/plugins/access";
import { openAPI } from "better-auth/plugins/open-api";
import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";
import { loopbackTwins } from "./loopback.js";

/**
 * What roles in an organization may do. `project` stands for your own resources: roles created at run
 * time (dynamic access control) may grant only what is listed here.
 */
const ac = createAccessControl({ ...defaultStatements, project: ["create", "read", "update", "delete"] });

const roles = {
  owner: ac.newRole({ ...ownerAc.statements, project: ["create", "read", "update", "delete"] }),
  admin: ac.newRole({ ...adminAc.statements, project: ["create", "read", "update"] }),
  member: ac.newRole({ ...memberAc.statements, project: ["read"] }),
};

/**
 * Defined once at module scope: `createAuth` keeps one better-auth instance per env and options object,
 * so a new object on every request would build a new instance every time.
 */
const authOptions = {
  appName: "auth-d1 example",
  // No `sendEmail`: a deployed Worker sends every auth mail through Cloudflare Email Service, the EMAIL
  // binding and AUTH_EMAIL_FROM in wrangler.jsonc (docs/email.md). In local development, logMail below.
  plugins: [
    presets.twoFactor(),
    presets.organization({ ac, roles, teams: { enabled: true }, dynamicAccessControl: { enabled: true } }),
    presets.admin(),
    passkey(),
    presets.jwt(),
    // Passwordless sign-in: a link or a six-digit code by mail (pages /sign-in/magic-link and /sign-in/email-code).
    presets.magicLink(),
    presets.emailOTP(),
    // The schema at /api/auth/open-api/generate-schema. better-auth's reference page loads an unpinned CDN
    // script; ./reference.ts serves a pinned one at /api/auth/reference instead, in local development only.
    openAPI({ disableDefaultReference: true }),
  ],
} satisfies AuthD1Options;

/**
 * The same, with cookies a front end on another site can send: `SameSite=None` needs `Secure`, which
 * browsers accept only over https.
 */
const crossSiteAuthOptions = {
  ...authOptions,
  advanced: { defaultCookieAttributes: { sameSite: "none", secure: true } },
} satisfies AuthD1Options;

/** The better-auth instance this Worker uses, with the endpoints of every plugin above on `api`. */
export type Auth = ReturnType<typeof createAuth<typeof authOptions>>;

/**
 * In local development, the same with 127.0.0.1 (and [::1]) at `BETTER_AUTH_URL`'s port trusted as well.
 * One options object per env, so `createAuth` still builds once per isolate.
 */
const withLoopbackTwins = new WeakMap<Env, AuthD1Options>();

/**
 * better-auth for this env. Cookies are `SameSite=None; Secure` only when the Worker is served over https
 * and `TRUSTED_ORIGINS` names front ends elsewhere; otherwise better-auth's `SameSite=Lax` stands. While
 * `BETTER_AUTH_URL` is a localhost URL, calls from its loopback-IP twin are trusted (see ./loopback.ts).
 *
 * @example
 * ```ts
 * const session = await authFor(c.env).api.getSession({ headers: c.req.raw.headers });
 * ```
 */
export function authFor(env: Env): Auth {
  const base = needsCrossSiteCookies(env) ? crossSiteAuthOptions : authOptions;
  const options = env.AUTH_READ_REPLICATION?.trim() === "true" ? readingReplicas(base) : base;
  const twins = loopbackTwins(env);
  if (twins.length === 0) return createAuth(env, options) as unknown as Auth;
  let local = withLoopbackTwins.get(env);
  if (local === undefined) {
    local = { ...options, trustedOrigins: twins, sendEmail: logMail };
    withLoopbackTwins.set(env, local);
  }
  // Same plugins, so the same endpoints; the types differ only in `advanced` and `trustedOrigins`, which `api` does not use.
  return createAuth(env, local) as unknown as Auth;
}

/**
 * Local development only (`BETTER_AUTH_URL` is a localhost URL): each mail's link or code goes to the
 * `wrangler dev` log, where you, the tests and the browser journey read it. Local wrangler would otherwise
 * write the EMAIL binding's messages to files.
 */
function logMail(mail: AuthEmail): void {
  const detail = "otp" in mail ? `code ${mail.otp}` : mail.url;
  console.log(`[mail] ${mail.subject} (to ${mail.to}): ${detail}`);
}

/** `options` with `readReplication` on, made once per options object so `createAuth` still builds once per isolate. */
const withReadReplication = new WeakMap<AuthD1Options, AuthD1Options>();

/**
 * With `AUTH_READ_REPLICATION=true` (a var), auth queries go through D1's Sessions API and may be served by a
 * read replica near the user; a bookmark cookie keeps each browser reading its own writes (docs/consistency.md).
 */
function readingReplicas(options: AuthD1Options): AuthD1Options {
  let replicated = withReadReplication.get(options);
  if (replicated === undefined) {
    replicated = { ...options, readReplication: true };
    withReadReplication.set(options, replicated);
  }
  return replicated;
}

function needsCrossSiteCookies(env: Env): boolean {
  return (env.BETTER_AUTH_URL ?? "").startsWith("https://") && (env.TRUSTED_ORIGINS ?? "").trim() !== "";
}
