/**
 * Adapter-independent parts of `@acme/auth-d1`: errors, env checking and option types.
 * `createAuth` lives in `@acme/auth-d1/drizzle` and `@acme/auth-d1/kysely`, so a Worker bundles one adapter.
 *
 * @module
 */
export {
  AUTH_D1_ERROR_CODES,
  AUTH_D1_REQUEST_ERROR_CODES,
  AuthD1Error,
  isAuthD1Error,
  type AuthD1ErrorCode,
  type AuthD1ErrorOptions,
  type AuthD1RequestErrorCode,
} from "./errors.js";
export { readAuthEnv, type AuthD1Env, type D1DatabaseBinding, type ReadAuthEnvOptions, type ResolvedAuthEnv, type SocialCredentials } from "./env.js";
export type { AuthD1Options, AuthD1OwnOptions, ResolvedBetterAuthOptions } from "./options.js";
export type { ReadReplicationOptions } from "./d1/read-replication.js";
export type {
  AuthEmail,
  AuthEmailDraft,
  AuthEmailKind,
  AuthEmailOf,
  EmailOTPEmail,
  InvitationEmail,
  LinkEmail,
  MagicLinkEmail,
  OTPEmail,
  SendEmail,
} from "./mail.js";
export { defaultEmailTemplates, escapeHTML, type EmailTemplate, type EmailTemplates, type MailApp, type RenderedEmail } from "./mail-templates.js";
export type { SendEmailBinding } from "./mail-delivery.js";
export type { InputLimits } from "./guard.js";
export { checkRateLimit, servesLocalhost, ACCOUNT_RULES, type CheckRateLimitOptions, type RateLimitRule } from "./rate-limit/index.js";
export { deleteExpiredRows, type DeleteExpiredRowsOptions, type DeletedRows } from "./cleanup.js";
