/**
 * `createAuth(env)` through Drizzle: drizzle-orm's D1 driver and better-auth's drizzle adapter.
 * Swap the import for `@acme/auth-d1/kysely` and nothing else changes.
 *
 * @module
 */
import type { Auth } from "better-auth";
import { drizzleD1Adapter } from "./drizzle/adapter.js";
import { checkDrizzleTables } from "./drizzle/check-tables.js";
import type { AuthD1Env } from "./env.js";
import { authFactory } from "./factory.js";
import type { AuthD1Options, ResolvedBetterAuthOptions } from "./options.js";
import { authSchema } from "./schema.js";

export type { AuthD1Env } from "./env.js";
export type { AuthD1Options } from "./options.js";
export type { AuthEmail } from "./mail.js";
export { drizzleD1Adapter, type DrizzleD1Adapter } from "./drizzle/adapter.js";

/**
 * What the drizzle entry's `createAuth` accepts: {@link AuthD1Options} and the tables to use.
 *
 * @example
 * ```ts
 * import { authSchema } from "@acme/auth-d1/schema";
 * const options = { schema: { ...authSchema, user: myUserTable } } satisfies DrizzleAuthD1Options;
 * ```
 */
export interface DrizzleAuthD1Options extends AuthD1Options {
  /**
   * The tables and relations the drizzle adapter reads and writes, when you add columns or tables
   * (`{ ...authSchema, user: myUserTable }`). Defaults to `authSchema` from `@acme/auth-d1/schema`.
   */
  schema?: Record<string, unknown>;
}

const build = authFactory<DrizzleAuthD1Options>({
  adapter: (database, options) => drizzleD1Adapter(database, options.schema),
  entryOptions: ["schema"],
  verify: (betterAuthOptions, options) => checkDrizzleTables(options.schema ?? authSchema, betterAuthOptions),
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
export function createAuth<const O extends DrizzleAuthD1Options = {}>(env: AuthD1Env, options?: O): Auth<ResolvedBetterAuthOptions<O>> {
  return build(env, options) as unknown as Auth<ResolvedBetterAuthOptions<O>>;
}
