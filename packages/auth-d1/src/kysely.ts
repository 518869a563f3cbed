/**
 * `createAuth(env)` through Kysely: kysely-d1 with a D1-aware introspector and a reversible case plugin.
 * Swap the import for `@acme/auth-d1/drizzle` and nothing else changes.
 *
 * @module
 */
import type { Auth } from "better-auth";
import { betterAuth } from "better-auth/minimal";
import { readAuthEnv, type AuthD1Env } from "./env.js";
import { kyselyD1Adapter } from "./kysely/adapter.js";
import { memoizeByEnv } from "./memo.js";
import { buildBetterAuthOptions, type AuthD1Options, type ResolvedBetterAuthOptions } from "./options.js";

export type { AuthD1Env } from "./env.js";
export type { AuthD1Options } from "./options.js";
export type { AuthEmail } from "./mail.js";
export { kyselyD1Adapter, type KyselyD1Adapter } from "./kysely/adapter.js";
export { D1Dialect } from "./kysely/d1-dialect.js";
export { D1Introspector } from "./kysely/d1-introspector.js";
export { FieldCasePlugin } from "./kysely/field-case-plugin.js";

const build = memoizeByEnv((env: object, options: AuthD1Options | undefined) => {
  const opts = options ?? {};
  const resolved = readAuthEnv(env, { binding: opts.binding });
  return betterAuth(buildBetterAuthOptions(resolved, kyselyD1Adapter(resolved.database), opts));
});

/**
 * Builds better-auth on the D1 binding in `env` through Kysely. Cheap to call on every request: the
 * instance is built once per env and options object.
 *
 * @example
 * ```ts
 * import { createAuth } from "@acme/auth-d1/kysely";
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
