/**
 * Turns a checked env and the caller's options into better-auth options with D1-ready defaults.
 *
 * @module
 */
import { tryGetCurrentAuthEndpointContext } from "@better-auth/core/context";
import type { BetterAuthOptions, BetterAuthPlugin } from "better-auth";
import type { ResolvedAuthEnv } from "./env.js";
import { failedCommit } from "./d1/failed-commit.js";
import { withRequestUnits } from "./d1/request-units.js";
import type { ReadReplicationOptions } from "./d1/read-replication.js";
import { AuthD1Error } from "./errors.js";
import { errorCodes, inputGuard, type InputLimits } from "./guard.js";
import { linkEmail, type SendEmail } from "./mail.js";
import { assertMailDelivery, createMailer, reportingMailFailures } from "./mail-delivery.js";
import type { EmailTemplates } from "./mail-templates.js";
import { resolvePresets } from "./preset.js";
import { DEFAULT_RULE, type CustomRules } from "./rate-limit/rules.js";
import { rateLimiter, servesLocalhost } from "./rate-limit/index.js";
import { DEFAULT_BASE_PATH } from "./integration/endpoint-policy.js";

/**
 * Our own options, next to better-auth's.
 *
 * @example
 * ```ts
 * const own: AuthD1OwnOptions = { binding: "AUTH_DB", limits: { maxBodyBytes: 32 * 1024 }, sendEmail: (mail) => sendWithResend(mail) };
 * ```
 */
export interface AuthD1OwnOptions {
  /**
   * Delivers every mail: verification, password reset, email change, and the presets' links, codes and
   * invitations. Without it, mail goes through the `send_email` binding (`EMAIL`) from `AUTH_EMAIL_FROM`.
   */
  sendEmail?: SendEmail;
  /** The name of the `send_email` binding in `env`. Defaults to `EMAIL`. */
  emailBinding?: string;
  /** Your own subject, text and HTML for some kinds of mail; the others keep the defaults. */
  emailTemplates?: EmailTemplates;
  /** The name of the D1 binding in `env`. Defaults to `DB`. */
  binding?: string;
  /** Request body and field length limits; see {@link InputLimits} for the defaults. */
  limits?: InputLimits;
  /**
   * The name of a Workers Rate Limiting binding (`"ratelimits"` in wrangler.jsonc) to count requests in,
   * instead of D1: limited requests then cost no D1 statement. The binding's own `limit` and `period` apply to
   * every rule (per client IP and per account), and Cloudflare counts per location and approximately; the
   * default, counting in D1, is exact and honours each rule's window and maximum. See docs/security.md.
   */
  rateLimitBinding?: string;
  /**
   * `true`: no session until the address is verified. Sign-up then answers an address that already has an
   * account as it answers a new one (200, a user, no session; the password is hashed either way), so it no
   * longer tells who has an account; sign-in before verifying answers 403 `EMAIL_NOT_VERIFIED` and mails a
   * new link. Needs mail on a deployed Worker (a `send_email` binding or `sendEmail`). Default `false`: sign-up
   * signs in at once and answers 422 for a taken address.
   */
  requireEmailVerification?: boolean;
  /**
   * Reads from D1 read replicas, with read-your-writes for each client: every request runs its auth queries in
   * one D1 session started from the bookmark its client sent back (a cookie, or the `x-d1-bookmark` header),
   * and the response carries the newest bookmark. Requests that write start on the primary. Turn read
   * replication on for the database too (dashboard or REST API); docs/consistency.md says what it
   * guarantees. Default `false`: every query goes to the primary.
   */
  readReplication?: boolean | ReadReplicationOptions;
}

/**
 * What `createAuth` accepts: better-auth options (the database and secrets come from `env`) and ours.
 *
 * @example
 * ```ts
 * const options = {
 *   sendEmail: (mail) => sendWithResend(mail),
 *   session: { expiresIn: 60 * 60 * 24 * 30 },
 * } satisfies AuthD1Options;
 * ```
 */
export interface AuthD1Options extends Omit<BetterAuthOptions, "database" | "secret" | "secrets">, AuthD1OwnOptions {}

/** The better-auth options `createAuth(env, options)` ends up with, as types see them. */
export type ResolvedBetterAuthOptions<O extends AuthD1Options> = Omit<O, keyof AuthD1OwnOptions | "schema"> & {
  emailAndPassword: { enabled: true };
};

const GOOGLE_SCOPES = ["openid", "email", "profile"];
const GITHUB_SCOPES = ["read:user", "user:email"];

/**
 * Builds better-auth options: email/password on, social providers from env, mail through `sendEmail`,
 * the client IP from Cloudflare's header, rate limits on (in D1) unless the Worker serves localhost, then the
 * caller's options on top.
 */
export function buildBetterAuthOptions(
  resolved: ResolvedAuthEnv,
  database: NonNullable<BetterAuthOptions["database"]>,
  options: AuthD1Options,
): BetterAuthOptions {
  const { sendEmail, binding: _binding, emailBinding: _emailBinding, readReplication: _readReplication, emailTemplates, limits, requireEmailVerification, ...userOptions } = options;
  if ("database" in userOptions || "secret" in userOptions || "secrets" in userOptions) {
    throw new AuthD1Error(
      "OPTIONS_INVALID",
      "`database`, `secret` and `secrets` come from env (the D1 binding, BETTER_AUTH_SECRET, BETTER_AUTH_SECRETS); remove them from the options.",
    );
  }
  const mailer = createMailer({ sendEmail, mail: resolved.email, baseURL: resolved.baseURL, appName: userOptions.appName, templates: emailTemplates });
  const mail = mailer && ((kind: "verify-email" | "reset-password" | "change-email", data: Parameters<typeof linkEmail>[1], request?: Request) => mailer(linkEmail(kind, data), request));
  const socialProviders: NonNullable<BetterAuthOptions["socialProviders"]> = {};
  if (resolved.google) socialProviders.google = { ...resolved.google, scope: GOOGLE_SCOPES };
  if (resolved.github) socialProviders.github = { ...resolved.github, scope: GITHUB_SCOPES };

  const defaults: BetterAuthOptions = {
    database,
    secret: resolved.secret,
    secrets: resolved.secrets,
    baseURL: resolved.baseURL,
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: requireEmailVerification === true,
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: mail && (async (data, request) => {
        try {
          await mail("reset-password", data, request);
        } catch (error) {
          // better-auth answers 200 all the same (it must not tell who has an account), so the token written
          // for the mail that did not leave is deleted: no working reset link exists that nobody holds.
          await tryGetCurrentAuthEndpointContext()?.context.internalAdapter.deleteVerificationByIdentifier(`reset-password:${data.token}`);
          throw error;
        }
      }),
    },
    emailVerification: mail && {
      sendOnSignUp: true,
      sendOnSignIn: requireEmailVerification === true,
      autoSignInAfterVerification: true,
      sendVerificationEmail: async (data, request) => mail("verify-email", data, request),
    },
    user: {
      changeEmail: {
        enabled: true,
        sendChangeEmailConfirmation: mail && (async (data, request) => mail("change-email", data, request)),
      },
      deleteUser: { enabled: true },
    },
    socialProviders,
    rateLimit: { storage: "database" },
    advanced: {
      ipAddress: { ipAddressHeaders: ["cf-connecting-ip", "x-forwarded-for"] },
      // A session is read with its user in one query, a sign-in's user with its accounts: one D1 round trip each.
      database: { joins: true },
    },
  };
  const merged = mergeOptions(defaults, userOptions as BetterAuthOptions);
  const trustedOrigins = mergeTrustedOrigins(resolved.trustedOrigins, userOptions.trustedOrigins);
  const plugins = resolvePresets(merged.plugins ?? [], {
    baseURL: resolved.baseURL,
    origin: resolved.baseURL && new URL(resolved.baseURL).origin,
    trustedOrigins: originsOf(Array.isArray(trustedOrigins) ? trustedOrigins : resolved.trustedOrigins),
    appName: merged.appName,
    sendEmail: mailer,
    adminUserIds: resolved.adminUserIds,
  });
  if (!mailer) assertMailDelivery(resolved.email.bindingName, { pluginIds: plugins.map((plugin) => plugin.id), requireEmailVerification: merged.emailAndPassword?.requireEmailVerification === true });
  const { rateLimit, limiter } = rateLimitFor(merged, resolved);
  // The order matters. The input guard refuses an oversized or malformed body before anything reads it, and the
  // limiter counts a request before its endpoint runs; the failed-commit and error-code plugins shape answers.
  // The endpoints are wrapped inside out: a mail that must not fail silently throws inside its endpoint's unit
  // of work, so the unit undoes what the endpoint wrote before the mail.
  const endpoints = withRequestUnits(reportingMailFailures(plugins));
  const pipeline = [inputGuard(limits), ...(limiter ? [limiter] : []), failedCommit(), errorCodes(), ...endpoints];
  return { ...merged, trustedOrigins, rateLimit, plugins: pipeline };
}

/**
 * Our limiter (one D1 statement per limited request, per IP and per account) unless `rateLimit.enabled` is
 * `false` or you chose another `storage`/`customStorage`, which better-auth's own limiter then uses. Either
 * way it is on unless the Worker serves localhost: better-auth alone waits for `NODE_ENV=production`, which
 * no Worker sets.
 */
function rateLimitFor(merged: BetterAuthOptions, resolved: ResolvedAuthEnv): { rateLimit: BetterAuthOptions["rateLimit"]; limiter: BetterAuthPlugin | undefined } {
  const settings = merged.rateLimit ?? {};
  const baseURL = typeof merged.baseURL === "string" ? merged.baseURL : resolved.baseURL;
  if (settings.enabled === false) return { rateLimit: settings, limiter: undefined };
  if (settings.storage !== "database" || settings.customStorage) {
    return { rateLimit: { ...settings, enabled: settings.enabled ?? !(baseURL && servesLocalhost(baseURL)) }, limiter: undefined };
  }
  const limiter = rateLimiter({
    database: resolved.database,
    binding: resolved.rateLimitBinding,
    enabled: settings.enabled,
    baseURL,
    basePath: merged.basePath ?? DEFAULT_BASE_PATH,
    fallback: { window: settings.window ?? DEFAULT_RULE.window, max: settings.max ?? DEFAULT_RULE.max },
    customRules: settings.customRules as CustomRules | undefined,
  });
  // Ours counts; better-auth's own limiter would count every request a second time.
  return { rateLimit: { ...settings, enabled: false }, limiter };
}

/** The origins of the URLs that parse; patterns such as `https://*.example.com` are left out. */
function originsOf(urls: string[]): string[] {
  return urls.filter((url) => URL.canParse(url)).map((url) => new URL(url).origin);
}

/**
 * `TRUSTED_ORIGINS` from env and `trustedOrigins` from options both count: lists are joined, and a function
 * in options gets env's origins added to whatever it returns.
 */
function mergeTrustedOrigins(fromEnv: string[], fromOptions: BetterAuthOptions["trustedOrigins"]): BetterAuthOptions["trustedOrigins"] {
  if (fromOptions === undefined) return fromEnv;
  if (Array.isArray(fromOptions)) return [...new Set([...fromEnv, ...fromOptions])];
  return async (request) => [...fromEnv, ...(await fromOptions(request))];
}

/** Plain objects merge key by key, the caller's value winning; arrays, functions and class instances are replaced whole. */
function mergeOptions<T>(base: T, override: T): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    merged[key] = key in merged ? mergeOptions(merged[key], value) : value;
  }
  return merged as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
