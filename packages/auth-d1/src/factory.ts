/**
 * The one `createAuth` both entries share: only the adapter differs between them.
 *
 * @module
 */
import { getBetterAuthVersion } from "@better-auth/core/context";
import type { BetterAuthOptions } from "better-auth";
import { betterAuth } from "better-auth/minimal";
import { warnIfUntested } from "./better-auth-version.js";
import { readReplicationSettings } from "./d1/read-replication.js";
import { joiningTransactions } from "./d1/request-units.js";
import { readAuthEnv, type D1DatabaseBinding } from "./env.js";
import { checkEndpointPolicy } from "./integration/endpoint-policy.js";
import { memoizeByEnv } from "./memo.js";
import { buildBetterAuthOptions, type AuthD1Options } from "./options.js";
import { withGenerateHint } from "./schema-hint.js";

/** The better-auth `database` option an entry builds on the checked D1 binding. */
export type DatabaseAdapter = NonNullable<BetterAuthOptions["database"]>;

/** What makes an entry: its adapter, and the options only it takes (kept out of better-auth's options). */
export interface AuthEntry<O extends AuthD1Options> {
  /** Builds the adapter on the D1 binding `env` holds; may throw an `AuthD1Error` for options it refuses. */
  adapter(database: D1DatabaseBinding, options: O): DatabaseAdapter;
  /** Option keys that belong to this entry, e.g. the drizzle entry's `schema`. */
  entryOptions?: readonly (keyof O)[];
  /** Checks the built better-auth options against the entry's own options; throws an `AuthD1Error` at start-up. */
  verify?(options: BetterAuthOptions, own: O): void;
}

/**
 * Returns the memoized builder behind an entry's `createAuth`: env is checked, the adapter made, the options
 * resolved and better-auth built once per env and options object.
 *
 * @example
 * ```ts
 * const build = authFactory({ adapter: (database) => kyselyD1Adapter(database) });
 * export function createAuth(env: AuthD1Env, options?: AuthD1Options) {
 *   return build(env, options);
 * }
 * ```
 */
export function authFactory<O extends AuthD1Options>(entry: AuthEntry<O>): (env: object, options?: O) => ReturnType<typeof betterAuth> {
  return memoizeByEnv((env: object, options: O | undefined) => {
    warnIfUntested(getBetterAuthVersion(), console.warn);
    const opts = options ?? ({} as O);
    const resolved = readAuthEnv(env, { binding: opts.binding, emailBinding: opts.emailBinding, rateLimitBinding: opts.rateLimitBinding });
    const replication = readReplicationSettings(opts.readReplication, resolved.database, {
      secrets: [...(resolved.secrets?.map((entry) => entry.value) ?? []), ...(resolved.secret === undefined ? [] : [resolved.secret])],
      databaseName: opts.binding ?? "DB",
    });
    // With read replication the adapter runs on a binding that follows each request's D1 session; the rate
    // limiter keeps the plain binding: its counters are writes, and must not move the client's bookmark.
    const adapterBinding = replication ? replication.binding() : resolved.database;
    // Plugin code that calls the adapter it was given directly still writes inside the request's unit of work.
    const database = joiningTransactions(entry.adapter(adapterBinding, opts));
    const shared = { ...opts } as Record<string, unknown>;
    for (const key of entry.entryOptions ?? []) delete shared[key as string];
    const built = buildBetterAuthOptions(resolved, database, shared as AuthD1Options);
    entry.verify?.(built, opts);
    const instance = betterAuth(built);
    checkEndpointPolicy(instance.api);
    const auth = withGenerateHint(instance);
    return replication ? replication.wrap(auth) : auth;
  });
}
