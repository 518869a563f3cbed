/**
 * The one error class this package throws, with stable codes.
 *
 * @module
 */

/**
 * Every code an {@link AuthD1Error} can carry, with what it means.
 *
 * @example
 * ```ts
 * if (isAuthD1Error(error)) console.error(error.code, AUTH_D1_ERROR_CODES[error.code]);
 * ```
 */
export const AUTH_D1_ERROR_CODES = {
  ENV_MISSING: "The Worker env object was not passed to createAuth.",
  DB_BINDING_MISSING: "The D1 binding is missing from env.",
  DB_BINDING_INVALID: "The binding given as the database is not a D1 database.",
  SECRET_MISSING: "Neither BETTER_AUTH_SECRET nor BETTER_AUTH_SECRETS is set.",
  SECRET_TOO_SHORT: "A secret is shorter than 32 characters.",
  SECRETS_MALFORMED: "BETTER_AUTH_SECRETS is not a list of version:secret pairs.",
  URL_INVALID: "BETTER_AUTH_URL or an entry of TRUSTED_ORIGINS is not an absolute http(s) URL.",
  SOCIAL_PROVIDER_INCOMPLETE: "A social provider has a client id without a secret, or the reverse.",
  ENV_VAR_INVALID: "An env var that must be a string is something else.",
  OPTIONS_INVALID: "An option passed to createAuth or to a preset cannot be used as given.",
  EMAIL_BINDING_INVALID: "The binding named for mail is not a send_email binding.",
  RATE_LIMIT_BINDING_INVALID: "The binding named by `rateLimitBinding` is missing or is not a Workers Rate Limiting binding.",
  EMAIL_FROM_MISSING: "A send_email binding is set but AUTH_EMAIL_FROM is missing or not an address.",
  EMAIL_NOT_CONFIGURED: "A configured flow needs mail and a deployed Worker has no way to send it.",
  BETTER_AUTH_INCOMPATIBLE: "An endpoint of the installed better-auth is not where this release expects it.",
} as const;

/**
 * Codes a request can be answered with by this package (not by better-auth), in the JSON body's `code`.
 *
 * @example
 * ```ts
 * const { code } = await res.json();
 * if (code === "FIELD_TOO_LONG") showError(AUTH_D1_REQUEST_ERROR_CODES.FIELD_TOO_LONG);
 * ```
 */
export const AUTH_D1_REQUEST_ERROR_CODES = {
  PAYLOAD_TOO_LARGE: "The request body is larger than the limit (413).",
  FIELD_TOO_LONG: "A name, email or image URL is longer than the limit (400).",
  WRITE_CONFLICT: "Another request changed the same rows first; nothing of this one was written. Send it again (409).",
  EMAIL_SEND_FAILED: "The mail service refused or failed to send an auth mail; ask again for a new link or code (502).",
  INVALID_TEXT: "A name contains a control character, a bidirectional formatting character or a lone surrogate (400).",
  INVALID_URL: "An image or logo URL is not an absolute http(s) URL (400).",
  INVALID_SLUG: "An organization slug holds something other than letters, digits, and -, _ or . between them (400).",
  TOO_MANY_REQUESTS: "A rate limit was reached; the `Retry-After` header says in how many seconds to try again (429).",
} as const;

/** A code a request can be answered with by this package. */
export type AuthD1RequestErrorCode = keyof typeof AUTH_D1_REQUEST_ERROR_CODES;

/** A stable, documented error code. */
export type AuthD1ErrorCode = keyof typeof AUTH_D1_ERROR_CODES;

/**
 * Options for {@link AuthD1Error}.
 *
 * @example
 * ```ts
 * if (isAuthD1Error(error) && error.cause !== undefined) console.error(error.message, "caused by", error.cause);
 * ```
 */
export interface AuthD1ErrorOptions {
  /** What went wrong underneath, if anything. */
  cause?: unknown;
}

/**
 * A configuration mistake found while building auth: thrown from `createAuth` or from a preset when it is
 * called, never in answer to a request.
 *
 * @example
 * ```ts
 * try {
 *   createAuth(env);
 * } catch (error) {
 *   if (isAuthD1Error(error) && error.code === "SECRET_MISSING") console.error(error.message);
 * }
 * ```
 */
export class AuthD1Error extends Error {
  override readonly name = "AuthD1Error";
  readonly code: AuthD1ErrorCode;
  /** Configuration errors are server faults: a request that meets one should answer 500. */
  readonly status = 500;

  constructor(code: AuthD1ErrorCode, message: string, options: AuthD1ErrorOptions = {}) {
    super(`[auth-d1] ${code}: ${message}`, { cause: options.cause });
    this.code = code;
  }
}

/**
 * Whether `value` is an {@link AuthD1Error}. Checks the name and code rather than `instanceof`, so it
 * holds when a bundle carries two copies of this package.
 *
 * @example
 * ```ts
 * if (isAuthD1Error(error)) return Response.json({ code: error.code }, { status: error.status });
 * ```
 */
export function isAuthD1Error(value: unknown): value is AuthD1Error {
  if (!(value instanceof Error) || value.name !== "AuthD1Error") return false;
  const code: unknown = (value as { code?: unknown }).code;
  return typeof code === "string" && code in AUTH_D1_ERROR_CODES;
}
