/**
 * Which counters a request to the auth API touches: one per client IP and path, and one per account on the
 * paths an attacker aims at one account (password guessing, mail bombing, second-factor guessing).
 *
 * @module
 */
import type { BetterAuthPlugin } from "better-auth";
import { policyFor, type AccountRuleId, type IpRuleId } from "../integration/endpoint-policy.js";

/**
 * At most `max` requests per `window` seconds.
 *
 * @example
 * ```ts
 * const rule: RateLimitRule = { window: 60, max: 5 };
 * ```
 */
export interface RateLimitRule {
  /** Length of the counting window, in seconds. */
  window: number;
  /** Requests allowed in one window; the next is answered 429. */
  max: number;
}

/** One counter a request increments, with the rule it is held to. */
export interface RateLimitCounter {
  key: string;
  rule: RateLimitRule;
}

/** A rule and the name of the counter it keeps per IP: the rule's, not the path's, so made-up paths add no rows. */
export interface NamedRule {
  id: string;
  rule: RateLimitRule;
}

/** better-auth's `rateLimit.customRules`: a rule, `false` for no limit, or a function of the request. */
export type CustomRules = Record<
  string,
  RateLimitRule | false | ((request: Request, current: RateLimitRule) => RateLimitRule | false | Promise<RateLimitRule | false>)
>;

/** The limits a request is held to when nothing more specific applies: better-auth's own defaults. */
export const DEFAULT_RULE: RateLimitRule = { window: 10, max: 100 };

/**
 * Per client IP, by the name an endpoint's policy gives (src/integration/endpoint-policy.ts). The first two are
 * better-auth's production rules; the third bounds anonymous rows.
 */
export const IP_RULES: Record<IpRuleId, RateLimitRule> = {
  "sign-in": { window: 10, max: 3 },
  mail: { window: 60, max: 3 },
  // Each call stores a verification row (the WebAuthn challenge), signed in or not.
  "passkey-options": { window: 60, max: 10 },
};

/**
 * Per account, whatever IP the requests come from: the account is the `email` (or `username`) of the body,
 * or for a second factor the pending sign-in's `two_factor` cookie (else the session cookie).
 *
 * @example
 * ```ts
 * const { window, max } = ACCOUNT_RULES.signIn; // 10 sign-ins per 300 s for one account
 * ```
 */
export const ACCOUNT_RULES = {
  /** Password and one-time-code sign-ins for one account. */
  signIn: { window: 300, max: 10 },
  /** Mails (reset, verification, codes, sign-up) to one address. */
  mail: { window: 900, max: 3 },
  /** Second-factor attempts within one pending sign-in or session. */
  twoFactor: { window: 300, max: 10 },
} as const satisfies Record<AccountRuleId, RateLimitRule>;

/** Which account rule `path` falls under, if any: its policy's. */
export function accountRuleFor(path: string): keyof typeof ACCOUNT_RULES | undefined {
  return policyFor(path).limits?.account;
}

/**
 * The per-IP rule for `path`, most specific first: your `customRules`, then a plugin's own rules (two-factor
 * declares `/two-factor/*`), then the table above, then `fallback` (one counter per IP) for writes. Reads with
 * no rule of their own (get-session, list-sessions, JWKS) are not limited and cost nothing. `false`: no limit.
 */
export async function ipRuleFor(
  request: Request,
  path: string,
  settings: { fallback: RateLimitRule; customRules: CustomRules | undefined; plugins: BetterAuthPlugin[] },
): Promise<NamedRule | false | undefined> {
  let named: NamedRule | undefined;
  for (const plugin of settings.plugins) {
    const index = (plugin.rateLimit ?? []).findIndex((candidate) => candidate.pathMatcher(path));
    if (index >= 0) {
      const { window, max } = plugin.rateLimit![index]!;
      named = { id: `${plugin.id}:${index}`, rule: { window, max } };
      break;
    }
  }
  const ip = policyFor(path).limits?.ip;
  named ??= ip === undefined ? undefined : { id: ip, rule: IP_RULES[ip] };
  const custom = Object.entries(settings.customRules ?? {}).find(([pattern]) => patternMatches(pattern, path));
  if (custom) {
    const [pattern, value] = custom;
    const resolved = typeof value === "function" ? await value(request, named?.rule ?? settings.fallback) : value;
    return resolved && { id: `custom:${pattern}`, rule: resolved };
  }
  if (named) return { id: named.id, rule: named.rule };
  return request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS" ? undefined : { id: "any", rule: settings.fallback };
}

/** `*` stands for one path segment's characters, `**` for anything, as in better-auth's `customRules`. */
function patternMatches(pattern: string, path: string): boolean {
  if (!pattern.includes("*")) return pattern === path;
  const source = pattern
    .split("**")
    .map((part) => part.split("*").map((text) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*"))
    .join(".*");
  return new RegExp(`^${source}$`).test(path);
}
