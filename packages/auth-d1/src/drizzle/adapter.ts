/**
 * better-auth's drizzle adapter on D1, over this package's schema.
 *
 * @module
 */
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { drizzle } from "drizzle-orm/d1";
import type { D1DatabaseBinding } from "../env.js";
import { authSchema } from "../schema.js";

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
