/**
 * Flows better-auth does not run in a transaction, but that write more than one row, run as one unit of work
 * all the same: their endpoint is wrapped in better-auth's own `runWithTransaction`.
 *
 * @module
 */
import { runWithTransaction } from "@better-auth/core/context";
import type { BetterAuthOptions, BetterAuthPlugin } from "better-auth";
import { APIError, deleteUser, deleteUserCallback, isAPIError, verifyEmail } from "better-auth/api";
import { currentAdapterScope, replacingCoreEndpoints } from "../integration/better-auth-contracts.js";
import { policyFor, type CoreUnitKey, type EndpointPolicy } from "../integration/endpoint-policy.js";
import { withUserReadMemo } from "./user-read-memo.js";

/**
 * Endpoints that write several rows outside any transaction of better-auth's run as one unit all the same: its
 * writes land in one `batch()` when the endpoint returns, or none of them when it throws (`unit: "unit"` in
 * src/integration/endpoint-policy.ts). An invitation and a two-factor code by mail are among them: when their
 * mail fails the endpoint throws (`mail: "throws-when-unsent"`), and the row the mail was for goes with it.
 *
 * Some must keep a write while they refuse the request (`unit: "unit-keeping-refusals"`): two-factor and
 * email-OTP verification count a failed attempt (and lock after a few), passkey registration spends its
 * challenge on a failed attempt. Each runs as one unit too (finishing two-factor enrolment sets the flag, marks
 * the secret verified and rotates the session; registration spends the challenge and stores the passkey), but
 * its refusal (an `APIError`, the answer the route chose) commits what the unit holds before it is passed on. A
 * failed D1 call still undoes everything: a unit one of whose calls failed never commits.
 */
function unitPolicyOf(endpoint: unknown): EndpointPolicy["unit"] {
  const path = (endpoint as Endpoint | undefined)?.path;
  return path === undefined ? undefined : policyFor(path).unit;
}

/**
 * better-auth's own endpoints that run as units. A plugin's endpoint under the same key replaces better-auth's
 * own in the router and in `auth.api` (`replacingCoreEndpoints`, a contract of src/integration/better-auth-contracts.ts); the
 * type makes this list name every core endpoint the policy table runs as a unit.
 */
const CORE_UNIT_ENDPOINTS: Record<CoreUnitKey, unknown> = {
  deleteUser,
  deleteUserCallback,
  verifyEmail,
};

/**
 * Error codes an endpoint answers with 500 where the client sent what cannot be accepted, each with why: a
 * unit's refusal with one of them is answered 400 instead, same code and message. Only once the unit has
 * committed, so no D1 call of the request failed: the 500 did not come from the server.
 */
export const REFUSALS_ANSWERED_500: ReadonlyMap<string, string> = new Map([
  [
    "FAILED_TO_VERIFY_REGISTRATION",
    "@better-auth/passkey before 1.7.27 answers every error its WebAuthn verifier throws (a response made on another origin, for another challenge, or malformed) with this code and 500; 1.7.27 answers 400",
  ],
]);

/** `error` as the 400 it is when its code is in {@link REFUSALS_ANSWERED_500}; otherwise `error` itself. */
function asRefusal(error: unknown): unknown {
  if (!isAPIError(error) || error.statusCode !== 500) return error;
  const body = (error.body ?? {}) as { code?: unknown; message?: unknown };
  if (typeof body.code !== "string" || !REFUSALS_ANSWERED_500.has(body.code)) return error;
  return new APIError("BAD_REQUEST", { ...body, code: body.code, message: String(body.message ?? body.code), cause: error }, error.headers);
}

/** What the wrapper needs of an endpoint: better-call calls it with a context that carries better-auth's. */
type Endpoint = ((input: EndpointInput) => Promise<unknown>) & { path?: string };
interface EndpointInput {
  context: { adapter: Parameters<typeof runWithTransaction>[0] };
}

/**
 * `endpoint` run in one unit of work. A redirect is how some endpoints answer success (`/verify-email` with a
 * `callbackURL`): it commits the unit before it is thrown on, as does any `APIError` when `keepRefusals`
 * (a refusal upstream answers 500 leaves as a 400, see {@link REFUSALS_ANSWERED_500}); any other error
 * discards it.
 */
function runAsUnit<E>(endpoint: E, keepRefusals: boolean): E {
  const run = endpoint as unknown as Endpoint;
  const wrapped = async (input: EndpointInput) => {
    let answer: unknown;
    const result = await runWithTransaction(input.context.adapter, async () => {
      try {
        return await run(input);
      } catch (error) {
        if (!isAPIError(error) || (error.statusCode !== 302 && !keepRefusals)) throw error;
        answer = error;
        return undefined;
      }
    });
    // The unit committed: a 500 among the refusals came from the input, not from D1.
    if (answer !== undefined) throw asRefusal(answer);
    return result;
  };
  // better-call reads the path, the options and the rest from the endpoint's own properties.
  return Object.assign(wrapped, endpoint) as unknown as E;
}

/**
 * `plugins` with every endpoint the policy table runs as a unit wrapped in one, and a plugin of ours that does
 * the same for better-auth's own (`/delete-user`, `/delete-user/callback`, `/verify-email`).
 *
 * @example
 * ```ts
 * betterAuth({ database, plugins: withRequestUnits([organization()]) });
 * ```
 */
export function withRequestUnits(plugins: readonly BetterAuthPlugin[]): BetterAuthPlugin[] {
  const wrapped = plugins.map((plugin) => {
    if (!plugin.endpoints) return plugin;
    const endpoints = Object.fromEntries(Object.entries(plugin.endpoints).map(([key, endpoint]) => [key, asUnit(endpoint)]));
    return { ...plugin, endpoints } as BetterAuthPlugin;
  });
  const core = replacingCoreEndpoints("auth-d1-request-units", Object.fromEntries(Object.entries(CORE_UNIT_ENDPOINTS).map(([key, endpoint]) => [key, asUnit(endpoint)])));
  return [core, ...wrapped];
}

/** `endpoint` as its unit policy says: wrapped in a unit, one that keeps refusals, or as it is. */
function asUnit<E>(endpoint: E): E {
  const unit = unitPolicyOf(endpoint);
  return unit === undefined ? endpoint : runAsUnit(endpoint, unit === "unit-keeping-refusals");
}

type DatabaseOption = NonNullable<BetterAuthOptions["database"]>;

/**
 * The adapter `database` makes, joining the transaction the request runs in. Inside `runWithTransaction`,
 * better-auth reaches the transaction's adapter through `getCurrentAdapter`, but some plugin code calls the
 * adapter it was given (`ctx.context.adapter`) directly: two-factor marks its secret verified that way while
 * the flag and the new session are held in the unit. Each such call is sent to the current transaction's
 * adapter, so it is held and committed with the rest, or dropped with it. A lookup of a user by id right
 * after a read of that user is answered from it (./user-read-memo.ts).
 *
 * @example
 * ```ts
 * betterAuth({ database: joiningTransactions(drizzleD1Adapter(env.DB)) });
 * ```
 */
export function joiningTransactions(database: DatabaseOption): DatabaseOption {
  if (typeof database !== "function") return database;
  const factory = database as (options: BetterAuthOptions) => object;
  return ((options: BetterAuthOptions) => {
    // Changed in place, not proxied: better-auth keys its schema check (a WeakMap) on this very object.
    const base = factory(options) as Record<string, unknown>;
    for (const key of Object.keys(base)) {
      const method = base[key];
      if (typeof method !== "function" || key === "createSchema") continue;
      if (key === "transaction") {
        // Counted as a call of the request, so no user row read before it answers a lookup after it.
        base[key] = (...args: unknown[]) => withUserReadMemo(key, args, true, () => method.apply(base, args));
        continue;
      }
      base[key] = async (...args: unknown[]) => {
        const scope = await currentAdapterScope();
        const joined = scope.transactionActive && scope.adapter && scope.adapter !== base ? scope.adapter : undefined;
        const run = () => (joined ? (joined[key] as (...a: unknown[]) => Promise<unknown>).apply(joined, args) : method.apply(base, args));
        return withUserReadMemo(key, args, scope.transactionActive, run);
      };
    }
    return base;
  }) as DatabaseOption;
}
