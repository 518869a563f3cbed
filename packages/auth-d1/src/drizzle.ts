/**
 * `createAuth(env)` through Drizzle: drizzle-orm's D1 driver and better-auth's drizzle adapter.
 * Swap the import for `@acme/auth-d1/kysely` and nothing else changes.
 *
 * @module
 */
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { betterAuth } from "better-auth/minimal";
import type { Auth } from "better-auth";
import { drizzle } from "drizzle-orm/d1";
import { readAuthEnv, type AuthD1Env, type D1DatabaseBinding } from "./env.js";
import { memoizeByEnv } from "./memo.js";
import { buildBetterAuthOptions, type AuthD1Options, type ResolvedBetterAuthOptions } from "./options.js";
import { authSchema } from "./schema.js";

export type { AuthD1Env } from "./env.js";
export type { AuthD1Options } from "./options.js";
export type { AuthEmail } from "./mail.js";

/** The better-auth database option `drizzleD1Adapter` returns. */
export type DrizzleD1Adapter = ReturnType<typeof drizzleAdapter>;

/**
 * better-auth's drizzle adapter over drizzle-orm's D1 driver, with transactions off (D1 refuses `BEGIN`).
 * `tables` defaults to this package's schema; pass your own tables and `relations()` when you extend it.
 *
 * @example
 * ```ts
 * import { authSchema } from "@acme/auth-d1/schema";
 * const auth = betterAuth({ database: drizzleD1Adapter(env.DB, { ...authSchema, ...myTables }), ...options });
 * ```
 */
export function drizzleD1Adapter(database: D1DatabaseBinding, tables: Record<string, unknown> = authSchema): DrizzleD1Adapter {
  // drizzle-orm types the binding as workers-types' D1Database; ours is the structural subset it uses.
  const db = drizzle(database as Parameters<typeof drizzle>[0], { schema: tables });
  return drizzleAdapter(db, { provider: "sqlite", schema: tables, transaction: false });
}

const build = memoizeByEnv((env: object, options: AuthD1Options | undefined) => {
  const opts = options ?? {};
  const resolved = readAuthEnv(env, { binding: opts.binding });
  return betterAuth(buildBetterAuthOptions(resolved, drizzleD1Adapter(resolved.database, opts.schema), opts));
});

/**
 * Builds better-auth on the D1 binding in `env` through Drizzle. Cheap to call on every request: the
 * instance is built once per env and options object.
 *
 * @example
 * ```ts
 * import { createAuth } from "@acme/auth-d1/drizzle";
 *
 * export default {
 *   fetch(request, env) {
 *     return createAuth(env).handler(request);
 *   },
 * } satisfies ExportedHandler<Env>;
 * ```
 */
export function createAuth<const O extends AuthD1Options = {}>(env: AuthD1Env, options?: O): Auth<ResolvedBetterAuthOptions<O>> {
  return build(env, options) as unknown as Auth<ResolvedBetterAuthOptions<O>>;
}
