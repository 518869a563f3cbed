/**
 * Reads and checks the Worker `env` before anything is built.
 *
 * @module
 */
import { AuthD1Error } from "./errors.js";
import { readMailEnv, type MailEnv, type SendEmailBinding } from "./mail-delivery.js";

/**
 * The part of a D1 binding this package relies on. A real `D1Database` from `wrangler types` fits it.
 *
 * @example
 * ```ts
 * const binding: D1DatabaseBinding = env.DB; // a D1Database
 * ```
 */
export interface D1DatabaseBinding {
  /** Prepares one SQL statement, as `D1Database.prepare`. */
  prepare(query: string): unknown;
  /** Runs prepared statements in one transaction, as `D1Database.batch`. */
  batch(statements: unknown[]): Promise<unknown[]>;
  /** Runs raw SQL, as `D1Database.exec`. */
  exec(query: string): Promise<unknown>;
}

/**
 * The Worker bindings `createAuth` reads. Only a D1 binding and a secret are required.
 *
 * @example
 * ```ts
 * // wrangler.jsonc: "d1_databases": [{ "binding": "DB", ... }]; `wrangler secret put BETTER_AUTH_SECRET`
 * const auth = createAuth(env);
 * ```
 */
export interface AuthD1Env {
  /** The D1 binding (its name can be changed with the `binding` option). */
  DB?: D1DatabaseBinding;
  /** At least 32 characters; `openssl rand -base64 32` makes one. */
  BETTER_AUTH_SECRET?: string;
  /** Versioned secrets for rotation, newest first: `2:new-secret,1:old-secret`. Wins over BETTER_AUTH_SECRET. */
  BETTER_AUTH_SECRETS?: string;
  /** The public origin of the Worker, e.g. `https://auth.example.com`. Inferred from requests when unset. */
  BETTER_AUTH_URL?: string;
  /** Comma-separated extra origins allowed to call the auth endpoints (a separate front end). */
  TRUSTED_ORIGINS?: string;
  /** Comma-separated user ids that `presets.admin` treats as admins whatever their role: the first admin. */
  AUTH_ADMIN_USER_IDS?: string;
  /** A `send_email` binding (Cloudflare Email Service) for auth mail; its name can be changed with `emailBinding`. */
  EMAIL?: SendEmailBinding;
  /** The sender of auth mail through the binding, an address on your sending domain: `auth@example.com`. */
  AUTH_EMAIL_FROM?: string;
  GOOGLE_CLIENT_ID?: string;
  GOOGLE_CLIENT_SECRET?: string;
  GITHUB_CLIENT_ID?: string;
  GITHUB_CLIENT_SECRET?: string;
}

/**
 * A social provider switched on by its env vars.
 *
 * @example
 * ```ts
 * // GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET set: `google` is { clientId, clientSecret }
 * const { google } = readAuthEnv(env);
 * if (google) console.log(`Google sign-in with client ${google.clientId}`);
 * ```
 */
export interface SocialCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * What {@link readAuthEnv} found, checked.
 *
 * @example
 * ```ts
 * const { database, baseURL, trustedOrigins } = readAuthEnv(env);
 * ```
 */
export interface ResolvedAuthEnv {
  database: D1DatabaseBinding;
  secret: string | undefined;
  secrets: Array<{ version: number; value: string }> | undefined;
  baseURL: string | undefined;
  trustedOrigins: string[];
  adminUserIds: string[];
  google: SocialCredentials | undefined;
  github: SocialCredentials | undefined;
  /** The `send_email` binding and `AUTH_EMAIL_FROM`. */
  email: MailEnv;
  /** The Workers Rate Limiting binding named by the `rateLimitBinding` option, when one is. */
  rateLimitBinding: RateLimitBinding | undefined;
}

/**
 * A Workers Rate Limiting binding (`"ratelimits"` in wrangler.jsonc), as `wrangler types` declares it.
 *
 * @example
 * ```ts
 * const { success } = await env.AUTH_RATE_LIMIT.limit({ key: "ip:203.0.113.7" });
 * ```
 */
export interface RateLimitBinding {
  /** Counts one request on `key`; `success` is false once the key is over the binding's limit for its period. */
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/**
 * Options for {@link readAuthEnv}.
 *
 * @example
 * ```ts
 * readAuthEnv(env, { binding: "AUTH_DB" }); // reads env.AUTH_DB instead of env.DB
 * ```
 */
export interface ReadAuthEnvOptions {
  /** The name of the D1 binding in `env`. Defaults to `DB`. */
  binding?: string;
  /** The name of the `send_email` binding in `env`. Defaults to `EMAIL`. */
  emailBinding?: string;
  /** The name of a Workers Rate Limiting binding in `env` to count requests in, instead of D1. */
  rateLimitBinding?: string;
}

const MIN_SECRET_LENGTH = 32;

/**
 * Checks `env` and returns what `createAuth` needs, or throws one {@link AuthD1Error} that says how to fix it.
 *
 * @example
 * ```ts
 * const { database, baseURL } = readAuthEnv(env, { binding: "AUTH_DB" });
 * ```
 */
export function readAuthEnv(env: unknown, options: ReadAuthEnvOptions = {}): ResolvedAuthEnv {
  if (env === null || typeof env !== "object") {
    throw new AuthD1Error("ENV_MISSING", "createAuth(env) needs the Worker env object: pass the `env` your fetch handler receives.");
  }
  const vars = env as Record<string, unknown>;
  const bindingName = options.binding ?? "DB";
  const database = readD1Binding(vars[bindingName], bindingName);
  const { secret, secrets } = readSecrets(vars);
  const baseURL = optionalString(vars, "BETTER_AUTH_URL");
  if (baseURL !== undefined) assertHttpURL(baseURL, "BETTER_AUTH_URL");
  const trustedOrigins = commaList(vars, "TRUSTED_ORIGINS");
  for (const origin of trustedOrigins) assertHttpURL(origin, "TRUSTED_ORIGINS");
  return {
    database,
    secret,
    secrets,
    baseURL,
    trustedOrigins,
    adminUserIds: commaList(vars, "AUTH_ADMIN_USER_IDS"),
    google: readSocial(vars, "GOOGLE"),
    github: readSocial(vars, "GITHUB"),
    email: readMailEnv(vars, options.emailBinding),
    rateLimitBinding: options.rateLimitBinding === undefined ? undefined : readRateLimitBinding(vars, options.rateLimitBinding),
  };
}

function readRateLimitBinding(vars: Record<string, unknown>, name: string): RateLimitBinding {
  const value = vars[name];
  if (value === null || typeof value !== "object" || typeof (value as { limit?: unknown }).limit !== "function") {
    throw new AuthD1Error(
      "RATE_LIMIT_BINDING_INVALID",
      `rateLimitBinding names env.${name}, which is ${value === undefined ? "not set" : describe(value)}, not a Workers Rate Limiting binding. Declare it in wrangler.jsonc: "ratelimits": [{ "name": "${name}", "namespace_id": "1001", "simple": { "limit": 10, "period": 60 } }], or remove rateLimitBinding to count in D1.`,
    );
  }
  return value as RateLimitBinding;
}

function readD1Binding(value: unknown, name: string): D1DatabaseBinding {
  if (value === undefined || value === null) {
    throw new AuthD1Error(
      "DB_BINDING_MISSING",
      `env.${name} is not set. Add a D1 database to wrangler.jsonc: "d1_databases": [{ "binding": "${name}", "database_name": "...", "database_id": "..." }], or pass { binding: "YOUR_BINDING" }.`,
    );
  }
  const candidate = value as Partial<Record<"prepare" | "batch" | "exec" | "getBookmark", unknown>>;
  if (typeof candidate === "object" && typeof candidate.getBookmark === "function" && typeof candidate.exec !== "function") {
    throw new AuthD1Error(
      "DB_BINDING_INVALID",
      `env.${name} is a D1 Sessions API session (env.DB.withSession()), which would serve every request from one session. Pass the D1 binding itself and set { readReplication: true }: each request then gets its own session and bookmark.`,
    );
  }
  if (typeof candidate !== "object" || typeof candidate.prepare !== "function" || typeof candidate.batch !== "function" || typeof candidate.exec !== "function") {
    throw new AuthD1Error(
      "DB_BINDING_INVALID",
      `env.${name} is ${describe(value)}, not a D1 database. Declare it under "d1_databases" in wrangler.jsonc (not "vars" or "kv_namespaces").`,
    );
  }
  return value as D1DatabaseBinding;
}

function readSecrets(vars: Record<string, unknown>): Pick<ResolvedAuthEnv, "secret" | "secrets"> {
  const secret = optionalString(vars, "BETTER_AUTH_SECRET");
  const list = optionalString(vars, "BETTER_AUTH_SECRETS");
  if (list !== undefined) {
    const secrets = list.split(",").map((entry) => parseVersionedSecret(entry.trim()));
    if (secret !== undefined) assertSecretLength(secret, "BETTER_AUTH_SECRET");
    return { secret, secrets };
  }
  if (secret === undefined) {
    throw new AuthD1Error(
      "SECRET_MISSING",
      "BETTER_AUTH_SECRET is missing, and better-auth would sign sessions with a public default. Set it with `wrangler secret put BETTER_AUTH_SECRET` (locally: a line in .dev.vars); `openssl rand -base64 32` makes one.",
    );
  }
  assertSecretLength(secret, "BETTER_AUTH_SECRET");
  return { secret, secrets: undefined };
}

function parseVersionedSecret(entry: string): { version: number; value: string } {
  const separator = entry.indexOf(":");
  const version = Number(entry.slice(0, separator));
  if (separator < 1 || !Number.isInteger(version) || version < 0) {
    throw new AuthD1Error("SECRETS_MALFORMED", "BETTER_AUTH_SECRETS must look like `2:new-secret,1:old-secret` (a non-negative integer version, a colon, the secret), newest first.");
  }
  const value = entry.slice(separator + 1);
  assertSecretLength(value, `BETTER_AUTH_SECRETS version ${version}`);
  return { version, value };
}

function assertSecretLength(secret: string, label: string): void {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new AuthD1Error(
      "SECRET_TOO_SHORT",
      `${label} has ${secret.length} characters; use at least ${MIN_SECRET_LENGTH}. \`openssl rand -base64 32\` makes one.`,
    );
  }
}

function assertHttpURL(value: string, label: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new AuthD1Error("URL_INVALID", `${label} is "${value}", which is not a URL. Write it with its scheme, e.g. https://auth.example.com.`, { cause });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new AuthD1Error("URL_INVALID", `${label} is "${value}"; only http and https URLs are allowed.`);
  }
}

function readSocial(vars: Record<string, unknown>, prefix: "GOOGLE" | "GITHUB"): SocialCredentials | undefined {
  const clientId = optionalString(vars, `${prefix}_CLIENT_ID`);
  const clientSecret = optionalString(vars, `${prefix}_CLIENT_SECRET`);
  if (clientId === undefined && clientSecret === undefined) return undefined;
  if (clientId === undefined || clientSecret === undefined) {
    const missing = clientId === undefined ? `${prefix}_CLIENT_ID` : `${prefix}_CLIENT_SECRET`;
    throw new AuthD1Error("SOCIAL_PROVIDER_INCOMPLETE", `${missing} is missing while its pair is set. Set both (\`wrangler secret put ${missing}\`) or neither.`);
  }
  return { clientId, clientSecret };
}

/** A comma-separated env var as its trimmed, non-empty entries. */
function commaList(vars: Record<string, unknown>, key: string): string[] {
  return (optionalString(vars, key) ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/** An env var as a trimmed string; empty counts as unset. */
function optionalString(vars: Record<string, unknown>, key: string): string | undefined {
  const value = vars[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new AuthD1Error("ENV_VAR_INVALID", `env.${key} is ${describe(value)}; it must be a string (a var or a secret).`);
  }
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).slice(0, 4);
    return keys.length > 0 ? `an object with ${keys.join(", ")}` : "an object";
  }
  return `a ${typeof value}`;
}
