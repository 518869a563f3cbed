/**
 * What this package does to each endpoint of better-auth and of its presets, in one table: which run as one
 * unit of work, which throw when their mail fails, which may read from a replica, and which rate limits count
 * them. Every feature that treats endpoints differently asks {@link policyFor}; no other module names an
 * endpoint's path. `createAuth` checks the table against the endpoints of the better-auth it runs with
 * ({@link checkEndpointPolicy}), and test/types/endpoint-policy.test-d.ts against better-auth's types, so an
 * endpoint better-auth renames or moves fails loudly instead of silently losing its unit, its limit or its
 * replica routing.
 *
 * @module
 */
import { AuthD1Error } from "../errors.js";

/** Where better-auth serves its endpoints unless `basePath` says otherwise. */
export const DEFAULT_BASE_PATH = "/api/auth";

/** The better-auth plugin an endpoint comes from (`core`: better-auth itself). */
export type PluginId = "core" | "organization" | "two-factor" | "admin" | "jwt" | "passkey" | "magic-link" | "email-otp";

/** The per-IP rules of src/rate-limit/rules.ts, by name. */
export type IpRuleId = "sign-in" | "mail" | "passkey-options";

/** The per-account rules of src/rate-limit/rules.ts (`ACCOUNT_RULES`), by name. */
export type AccountRuleId = "signIn" | "mail" | "twoFactor";

/** What this package does to one endpoint. */
export interface EndpointPolicy {
  /** Its path after the base path. */
  path: string;
  /**
   * `unit`: its writes land in one batch when it returns, or none when it throws. `unit-keeping-refusals`: the
   * same, but a refusal it answers (a wrong code counted, a challenge spent) commits what it wrote first.
   */
  unit?: "unit" | "unit-keeping-refusals";
  /** `throws-when-unsent`: when its mail fails, it answers 502 `EMAIL_SEND_FAILED` and its writes are undone. */
  mail?: "throws-when-unsent";
  /** `read-only`: with `readReplication`, it may start on a replica. */
  replica?: "read-only";
  /** The rate-limit rules that count it: per client IP, and per account. */
  limits?: { ip?: IpRuleId; account?: AccountRuleId };
}

/** A policy of the table with the plugin it is listed under and its key on `auth.api`. */
export interface EndpointPolicyEntry extends EndpointPolicy {
  plugin: PluginId;
  key: string;
}

/**
 * The endpoints this package treats in a way of their own, by plugin and by their key on `auth.api`: every other
 * endpoint gets no unit, no mail check, the primary and the default rate limits (src/rate-limit/rules.ts).
 * Teams and dynamic roles of the organization plugin included.
 */
export const ENDPOINT_POLICY = {
  core: {
    signInSocial: { path: "/sign-in/social", limits: { ip: "sign-in" } },
    getSession: { path: "/get-session", replica: "read-only" },
    signUpEmail: { path: "/sign-up/email", limits: { ip: "sign-in", account: "mail" } },
    signInEmail: { path: "/sign-in/email", limits: { ip: "sign-in", account: "signIn" } },
    verifyEmail: { path: "/verify-email", unit: "unit" },
    sendVerificationEmail: { path: "/send-verification-email", limits: { ip: "mail", account: "mail" } },
    changeEmail: { path: "/change-email", limits: { ip: "sign-in" } },
    changePassword: { path: "/change-password", limits: { ip: "sign-in" } },
    deleteUser: { path: "/delete-user", unit: "unit" },
    requestPasswordReset: { path: "/request-password-reset", limits: { ip: "mail", account: "mail" } },
    listSessions: { path: "/list-sessions", replica: "read-only" },
    listUserAccounts: { path: "/list-accounts", replica: "read-only" },
    deleteUserCallback: { path: "/delete-user/callback", unit: "unit" },
    ok: { path: "/ok", replica: "read-only" },
  },
  organization: {
    createOrganization: { path: "/organization/create", unit: "unit" },
    deleteOrganization: { path: "/organization/delete", unit: "unit" },
    getFullOrganization: { path: "/organization/get-full-organization", replica: "read-only" },
    listOrganizations: { path: "/organization/list", replica: "read-only" },
    createInvitation: { path: "/organization/invite-member", unit: "unit", mail: "throws-when-unsent" },
    acceptInvitation: { path: "/organization/accept-invitation", unit: "unit" },
    getInvitation: { path: "/organization/get-invitation", replica: "read-only" },
    listInvitations: { path: "/organization/list-invitations", replica: "read-only" },
    getActiveMember: { path: "/organization/get-active-member", replica: "read-only" },
    removeMember: { path: "/organization/remove-member", unit: "unit" },
    leaveOrganization: { path: "/organization/leave", unit: "unit" },
    listUserInvitations: { path: "/organization/list-user-invitations", replica: "read-only" },
    listMembers: { path: "/organization/list-members", replica: "read-only" },
    getActiveMemberRole: { path: "/organization/get-active-member-role", replica: "read-only" },
    createTeam: { path: "/organization/create-team", unit: "unit" },
    listOrganizationTeams: { path: "/organization/list-teams", replica: "read-only" },
    removeTeam: { path: "/organization/remove-team", unit: "unit" },
    listUserTeams: { path: "/organization/list-user-teams", replica: "read-only" },
    listTeamMembers: { path: "/organization/list-team-members", replica: "read-only" },
    addTeamMember: { path: "/organization/add-team-member", unit: "unit" },
    removeTeamMember: { path: "/organization/remove-team-member", unit: "unit" },
  },
  "two-factor": {
    verifyTOTP: { path: "/two-factor/verify-totp", unit: "unit-keeping-refusals", limits: { account: "twoFactor" } },
    sendTwoFactorOTP: { path: "/two-factor/send-otp", unit: "unit", mail: "throws-when-unsent", limits: { account: "twoFactor" } },
    verifyTwoFactorOTP: { path: "/two-factor/verify-otp", unit: "unit-keeping-refusals", limits: { account: "twoFactor" } },
    verifyBackupCode: { path: "/two-factor/verify-backup-code", unit: "unit-keeping-refusals", limits: { account: "twoFactor" } },
    enableTwoFactor: { path: "/two-factor/enable", unit: "unit" },
    disableTwoFactor: { path: "/two-factor/disable", unit: "unit" },
  },
  admin: {
    listUsers: { path: "/admin/list-users", replica: "read-only" },
    listUserSessions: { path: "/admin/list-user-sessions", replica: "read-only" },
    banUser: { path: "/admin/ban-user", unit: "unit" },
    removeUser: { path: "/admin/remove-user", unit: "unit" },
  },
  passkey: {
    generatePasskeyRegistrationOptions: { path: "/passkey/generate-register-options", limits: { ip: "passkey-options" } },
    generatePasskeyAuthenticationOptions: { path: "/passkey/generate-authenticate-options", limits: { ip: "passkey-options" } },
    verifyPasskeyRegistration: { path: "/passkey/verify-registration", unit: "unit-keeping-refusals" },
    listPasskeys: { path: "/passkey/list-user-passkeys", replica: "read-only" },
  },
  "magic-link": {
    signInMagicLink: { path: "/sign-in/magic-link", limits: { ip: "sign-in", account: "mail" } },
    magicLinkVerify: { path: "/magic-link/verify", unit: "unit" },
  },
  "email-otp": {
    sendVerificationOTP: { path: "/email-otp/send-verification-otp", limits: { ip: "mail", account: "mail" } },
    verifyEmailOTP: { path: "/email-otp/verify-email", unit: "unit-keeping-refusals" },
    signInEmailOTP: { path: "/sign-in/email-otp", unit: "unit-keeping-refusals", limits: { ip: "sign-in", account: "signIn" } },
    requestPasswordResetEmailOTP: { path: "/email-otp/request-password-reset", limits: { ip: "mail", account: "mail" } },
    forgetPasswordEmailOTP: { path: "/forget-password/email-otp", limits: { ip: "mail", account: "mail" } },
    resetPasswordEmailOTP: { path: "/email-otp/reset-password", unit: "unit-keeping-refusals" },
  },
} as const satisfies Partial<Record<PluginId, Record<string, EndpointPolicy>>>;

/**
 * Rules by path prefix for endpoints the table does not list: other plugins' (`/sign-in/username`,
 * `/sign-up/phone-number`, ...). The first match wins.
 */
const PATH_FAMILIES: ReadonlyArray<{ prefix: string; policy: Omit<EndpointPolicy, "path"> }> = [
  // Signs in a guest: no account to guess a password of.
  { prefix: "/sign-in/anonymous", policy: { limits: { ip: "sign-in" } } },
  { prefix: "/sign-in/", policy: { limits: { ip: "sign-in", account: "signIn" } } },
  { prefix: "/sign-in", policy: { limits: { ip: "sign-in" } } },
  { prefix: "/sign-up", policy: { limits: { ip: "sign-in" } } },
  { prefix: "/change-password", policy: { limits: { ip: "sign-in" } } },
  { prefix: "/change-email", policy: { limits: { ip: "sign-in" } } },
  { prefix: "/forget-password", policy: { limits: { ip: "mail", account: "mail" } } },
  { prefix: "/passkey/generate-", policy: { limits: { ip: "passkey-options" } } },
];

type Table = typeof ENDPOINT_POLICY;

/** The key on `auth.api` of an endpoint the table lists. */
export type EndpointKey = { [P in keyof Table]: keyof Table[P] & string }[keyof Table];

/** The keys of better-auth's own endpoints that the table runs as units. */
export type CoreUnitKey = { [K in keyof Table["core"]]: Table["core"][K] extends { unit: string } ? K : never }[keyof Table["core"]];

/** Every entry of the table, flat. */
export const ENDPOINT_POLICY_ENTRIES: readonly EndpointPolicyEntry[] = Object.entries(ENDPOINT_POLICY).flatMap(([plugin, endpoints]) =>
  Object.entries(endpoints as Record<string, EndpointPolicy>).map(([key, policy]) => ({ plugin: plugin as PluginId, key, ...policy })),
);

const BY_PATH: ReadonlyMap<string, EndpointPolicy> = new Map(ENDPOINT_POLICY_ENTRIES.map((entry) => [entry.path, entry]));
const NO_POLICY: Omit<EndpointPolicy, "path"> = {};

/**
 * What this package does to the endpoint at `path`: its entry in the table, else the rules of its path's
 * family, else nothing.
 *
 * @example
 * ```ts
 * policyFor("/organization/create").unit; // "unit"
 * policyFor("/sign-in/username").limits; // { ip: "sign-in", account: "signIn" }
 * ```
 */
export function policyFor(path: string): Omit<EndpointPolicy, "path"> {
  return BY_PATH.get(path) ?? PATH_FAMILIES.find((family) => path.startsWith(family.prefix))?.policy ?? NO_POLICY;
}

/**
 * The paths of the entries that pass `test`.
 *
 * @example
 * ```ts
 * pathsWhere((policy) => policy.replica === "read-only"); // Set {"/get-session", ...}
 * ```
 */
export function pathsWhere(test: (policy: EndpointPolicy) => boolean): ReadonlySet<string> {
  return new Set(ENDPOINT_POLICY_ENTRIES.filter(test).map((entry) => entry.path));
}

/**
 * The path of the endpoint at `key` on `auth.api`.
 *
 * @example
 * ```ts
 * pathOfEndpoint("signUpEmail"); // "/sign-up/email"
 * ```
 */
export function pathOfEndpoint(key: EndpointKey): string {
  return ENDPOINT_POLICY_ENTRIES.find((entry) => entry.key === key)!.path;
}

/**
 * Throws `BETTER_AUTH_INCOMPATIBLE` when an endpoint of `api` (an instance's `auth.api`) is not where the table
 * says: its key serves another path, or its path is served under another key. Entries of plugins the
 * instance does not have are skipped.
 *
 * @example
 * ```ts
 * const auth = betterAuth(options);
 * checkEndpointPolicy(auth.api);
 * ```
 */
export function checkEndpointPolicy(api: Readonly<Record<string, unknown>>): void {
  const paths = new Map<string, string>();
  for (const [key, endpoint] of Object.entries(api)) {
    const path = (endpoint as { path?: unknown } | undefined)?.path;
    if (typeof path === "string") paths.set(path, key);
  }
  const moved: string[] = [];
  for (const entry of ENDPOINT_POLICY_ENTRIES) {
    const endpoint = api[entry.key] as { path?: unknown } | undefined;
    if (endpoint !== undefined && endpoint.path !== entry.path) moved.push(`${entry.key} serves ${String(endpoint.path ?? "no path")}, not ${entry.path}`);
    else if (endpoint === undefined && paths.has(entry.path)) moved.push(`${entry.path} is served by ${paths.get(entry.path)}, not ${entry.key}`);
  }
  if (moved.length > 0) {
    throw new AuthD1Error(
      "BETTER_AUTH_INCOMPATIBLE",
      `better-auth's endpoints moved (${moved.join("; ")}): their units of work, limits and replica routing would be lost. Install a better-auth this release supports (docs/compatibility.md), or upgrade @acme/auth-d1.`,
    );
  }
}
