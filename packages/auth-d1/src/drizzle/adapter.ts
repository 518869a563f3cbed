/**
 * better-auth's drizzle adapter on D1, over this package's schema.
 *
 * @module
 */
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { is } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { inUnitOfWork } from "../d1/commit.js";
import type { TableShape } from "../d1/unit-of-work/catalog.js";
import { retryingReads } from "../d1/retry.js";
import type { D1DatabaseBinding } from "../env.js";
import { authSchema } from "../schema.js";

/** The better-auth database option `drizzleD1Adapter` returns. */
export type DrizzleD1Adapter = ReturnType<typeof drizzleAdapter>;

/**
 * better-auth's drizzle adapter over drizzle-orm's D1 driver. D1 refuses `BEGIN`, so a better-auth
 * transaction runs as a unit of work: its writes are held and committed together in one `batch()`.
 * Reads that fail with an error Cloudflare documents as transient are retried (writes are sent once).
 * `tables` defaults to this package's schema; pass your own tables and `relations()` when you extend it.
 *
 * @example
 * ```ts
 * import { authSchema } from "@acme/auth-d1/schema";
 * const auth = betterAuth({ database: drizzleD1Adapter(env.DB, { ...authSchema, ...myTables }), ...options });
 * ```
 */
export function drizzleD1Adapter(database: D1DatabaseBinding, tables: Record<string, unknown> = authSchema): DrizzleD1Adapter {
  // Reads failing with an error Cloudflare documents as transient are retried; writes go out once.
  const d1 = retryingReads(database);
  // drizzle-orm types the binding as workers-types' D1Database; ours is the structural subset it uses.
  const db = drizzle(d1 as Parameters<typeof drizzle>[0], { schema: tables });
  // The unit of work rebuilds returned rows and trusts rows it read only with every column of their table; a
  // write keyed by a unique column is answered from a row it read.
  const catalog = new Map<string, TableShape>();
  for (const table of Object.values(tables)) {
    if (!is(table, SQLiteTable)) continue;
    const config = getTableConfig(table);
    const unique = [
      ...config.columns.filter((column) => column.isUnique).map((column) => column.name),
      ...[...config.uniqueConstraints, ...config.indexes.map((index) => index.config).filter((index) => index.unique)]
        .map((constraint) => constraint.columns)
        .filter((columns) => columns.length === 1 && "name" in columns[0]!)
        .map((columns) => (columns[0] as { name: string }).name),
    ];
    catalog.set(config.name.toLowerCase(), { columns: config.columns.map((column) => column.name), unique: [...new Set(unique)] });
  }
  // better-auth's adapter calls `db.transaction(callback)` for each flow it wraps; drizzle's would send BEGIN.
  const transaction = (callback: (tx: typeof db) => Promise<unknown>) =>
    inUnitOfWork(d1, catalog, (binding) => callback(drizzle(binding as Parameters<typeof drizzle>[0], { schema: tables })));
  Object.assign(db, { transaction });
  return drizzleAdapter(db, { provider: "sqlite", schema: tables, transaction: true });
}
