/**
 * The rate limiter `createAuth` adds on a deployed Worker: per client IP and per account, counted in D1.
 *
 * @module
 */
import type { BetterAuthPlugin } from "better-auth";
import type { D1DatabaseBinding, RateLimitBinding } from "../env.js";
import { countHits } from "./d1-counters.js";
import { ACCOUNT_RULES, accountRuleFor, ipRuleFor, type CustomRules, type RateLimitCounter, type RateLimitRule } from "./rules.js";

export { ACCOUNT_RULES, type RateLimitRule } from "./rules.js";

/** What the limiter is built with: the binding and the caller's `rateLimit` settings. */
export interface RateLimiterSettings {
  database: D1DatabaseBinding;
  /** A Workers Rate Limiting binding that counts instead of D1 (the `rateLimitBinding` option). */
  binding?: RateLimitBinding | undefined;
  /** `rateLimit.enabled`: `undefined` decides from the served host (see {@link servesLocalhost}). */
  enabled: boolean | undefined;
  baseURL: string | undefined;
  basePath: string;
  fallback: RateLimitRule;
  customRules: CustomRules | undefined;
}

/**
 * Options of {@link checkRateLimit}.
 *
 * @example
 * ```ts
 * const options: CheckRateLimitOptions = { path: "/sign-in/email", account: form.get("email") };
 * ```
 */
export interface CheckRateLimitOptions {
  /** The auth API path whose limits apply, e.g. `/two-factor/verify-totp`. */
  path: string;
  /** The account the request is about (an email); by default taken from the request as `auth.handler` does. */
  account?: string | null | undefined;
}

const LIMIT = Symbol.for("@acme/auth-d1/rate-limit");
const PLUGIN_ID = "auth-d1-rate-limit";

type Limit = (request: Request, options: CheckRateLimitOptions & { plugins: BetterAuthPlugin[] }) => Promise<Response | undefined>;

/**
 * The limiter as a better-auth plugin: its `onRequest` counts each limited request in one D1 statement and
 * answers 429 with `Retry-After` once a counter is over its rule.
 */
export function rateLimiter(settings: RateLimiterSettings): BetterAuthPlugin {
  const limit: Limit = async (request, options) => {
    if (!(settings.enabled ?? !servesLocalhost(settings.baseURL ?? request.url))) return undefined;
    const counters: RateLimitCounter[] = [];
    const ipRule = await ipRuleFor(request, options.path, { fallback: settings.fallback, customRules: settings.customRules, plugins: options.plugins });
    if (ipRule === false) return undefined;
    if (ipRule) counters.push({ key: `ip:${clientIP(request)}:${ipRule.id}`, rule: ipRule.rule });
    const group = accountRuleFor(options.path);
    const account = group && (options.account !== undefined ? options.account : await accountOf(request, group));
    if (group && account) counters.push({ key: `account:${group}:${await digest(account.trim().toLowerCase())}`, rule: ACCOUNT_RULES[group] });
    if (counters.length === 0) return undefined;
    if (settings.binding) return countInBinding(settings.binding, counters);
    const now = Date.now();
    const over = (await countHits(settings.database, counters, now)).filter((hit) => hit.count > hit.rule.max);
    if (over.length === 0) return undefined;
    const retryAfter = Math.max(...over.map((hit) => Math.ceil((hit.windowStart + hit.rule.window * 1000 - now) / 1000)), 1);
    return tooManyRequests(retryAfter);
  };
  const plugin: BetterAuthPlugin & { [LIMIT]?: Limit } = {
    id: PLUGIN_ID,
    async onRequest(request, ctx) {
      const path = new URL(request.url).pathname.slice(settings.basePath.replace(/\/$/, "").length) || "/";
      const response = await limit(request, { path, plugins: ctx.options.plugins ?? [] });
      return response && { response };
    },
  };
  Object.defineProperty(plugin, LIMIT, { value: limit, enumerable: false });
  return plugin;
}

/** The longest period a Rate Limiting binding counts over: its counters may take that long to let a key in. */
const BINDING_PERIOD_SECONDS = 60;

/**
 * Counts each counter in the Workers Rate Limiting binding (no D1 statement). The binding holds its own limit
 * and period, so a request is refused once any of its keys is over the binding's limit.
 */
async function countInBinding(binding: RateLimitBinding, counters: RateLimitCounter[]): Promise<Response | undefined> {
  const outcomes = await Promise.all(counters.map((counter) => binding.limit({ key: counter.key })));
  return outcomes.every((outcome) => outcome.success) ? undefined : tooManyRequests(BINDING_PERIOD_SECONDS);
}

function tooManyRequests(retryAfter: number): Response {
  return Response.json(
    { code: "TOO_MANY_REQUESTS", message: `Too many requests. Try again in ${retryAfter} seconds.` },
    { status: 429, headers: { "retry-after": String(retryAfter), "x-retry-after": String(retryAfter) } },
  );
}

/**
 * Applies the auth API's limits to a route of your own that calls `auth.api` (which better-auth never
 * limits): the same counters as a request to `path` through `auth.handler`. Returns the 429 to answer with,
 * or `undefined` when the request may go on (and always when rate limiting is off).
 *
 * @example
 * ```ts
 * app.post("/profile/two-factor", async (c) => {
 *   const refused = await checkRateLimit(auth, c.req.raw, { path: "/two-factor/verify-totp" });
 *   if (refused) return refused;
 *   // ... auth.api.verifyTOTP(...)
 * });
 * ```
 */
export async function checkRateLimit(auth: { $context: Promise<object> }, request: Request, options: CheckRateLimitOptions): Promise<Response | undefined> {
  const context = (await auth.$context) as { options: { plugins?: BetterAuthPlugin[] } };
  const plugins = context.options.plugins ?? [];
  const limiter = plugins.find((plugin) => plugin.id === PLUGIN_ID) as { [LIMIT]?: Limit } | undefined;
  return limiter?.[LIMIT]?.(request, { ...options, plugins });
}

/**
 * Whether `url` is served on this machine: `localhost` (and `*.localhost`), `127.0.0.0/8` or `[::1]`, where
 * `wrangler dev` runs. Anywhere else the limiter is on unless `rateLimit.enabled` is `false`.
 *
 * @example
 * ```ts
 * servesLocalhost("http://localhost:8787"); // true
 * servesLocalhost("https://auth.example.com"); // false
 * ```
 */
export function servesLocalhost(url: string): boolean {
  const host = URL.parse(url)?.hostname ?? "";
  return host === "localhost" || host.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(host) || host === "[::1]";
}

/** `cf-connecting-ip`, set by Cloudflare's edge and not by the client; an IPv6 address counts by its /64. */
function clientIP(request: Request): string {
  const ip = request.headers.get("cf-connecting-ip")?.trim();
  if (!ip) return "unknown";
  if (!ip.includes(":")) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...left, ...Array(Math.max(8 - left.length - right.length, 0)).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

async function accountOf(request: Request, group: keyof typeof ACCOUNT_RULES): Promise<string | undefined> {
  if (group === "twoFactor") {
    const cookies = request.headers.get("cookie") ?? "";
    const named = (suffix: string) => cookies.split(";").map((pair) => pair.trim()).find((pair) => pair.split("=")[0]!.endsWith(suffix))?.split("=")[1];
    return named(".two_factor") || named(".session_token") || undefined;
  }
  if (!(request.headers.get("content-type") ?? "").includes("json")) return undefined;
  const body: unknown = await request.clone().json().catch(() => undefined);
  if (body === null || typeof body !== "object") return undefined;
  const { email, username } = body as { email?: unknown; username?: unknown };
  return typeof email === "string" ? email : typeof username === "string" ? username : undefined;
}

/** Counters hold a hash, not the address itself. */
async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(bytes.subarray(0, 16), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
