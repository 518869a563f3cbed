/**
 * `createAuth(env)` through Kysely: kysely-d1 with a D1-aware dialect and a reversible case plugin.
 * Swap the import for `@acme/auth-d1/drizzle` and nothing else changes.
 *
 * @module
 */
import type { Auth } from "better-auth";
import type { AuthD1Env } from "./env.js";
import { AuthD1Error } from "./errors.js";
import { authFactory } from "./factory.js";
import { kyselyD1Adapter } from "./kysely/adapter.js";
import type { AuthD1Options, ResolvedBetterAuthOptions } from "./options.js";

export type { AuthD1Env } from "./env.js";
export type { AuthD1Options } from "./options.js";
export type { AuthEmail } from "./mail.js";
export { kyselyD1Adapter, type KyselyD1Adapter } from "./kysely/adapter.js";
export { D1Dialect } from "./kysely/d1-dialect.js";
export { D1Introspector } from "./kysely/d1-introspector.js";
export { FieldCasePlugin } from "./kysely/field-case-plugin.js";

const build = authFactory<AuthD1Options>({
  adapter(database, options) {
    if ("schema" in options) {
      throw new AuthD1Error(
        "OPTIONS_INVALID",
        "`schema` is an option of the drizzle entry (@acme/auth-d1/drizzle). The Kysely entry maps every field to its snake_case column by itself: remove `schema`.",
      );
    }
    return kyselyD1Adapter(database);
  },
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
export function createAuth<const O extends AuthD1Options & { schema?: never } = {}>(env: AuthD1Env, options?: O): Auth<ResolvedBetterAuthOptions<O>> {
  return build(env, options) as unknown as Auth<ResolvedBetterAuthOptions<O>>;
}
