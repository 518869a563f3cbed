/**
 * better-auth's Kysely adapter on D1, with our case mapping.
 *
 * @module
 */
import type { BetterAuthOptions } from "better-auth";
import { kyselyAdapter } from "@better-auth/kysely-adapter";
import { getAuthTables } from "better-auth/db";
import { Kysely } from "kysely";
import type { TableShape } from "../d1/unit-of-work/catalog.js";
import type { D1DatabaseBinding } from "../env.js";
import { D1Dialect } from "./d1-dialect.js";
import { FieldCasePlugin } from "./field-case-plugin.js";

/** The better-auth database option `kyselyD1Adapter` returns. */
export type KyselyD1Adapter = ReturnType<typeof kyselyAdapter>;

/**
 * better-auth's Kysely adapter over kysely-d1, with snake_case columns; D1 refuses `BEGIN`, so a
 * better-auth transaction runs as a unit of work committed in one `batch()` (see {@link D1Dialect}). Every field and model name better-auth will use is registered with the case plugin first, so
 * results map back to those exact names.
 *
 * @example
 * ```ts
 * const auth = betterAuth({ database: kyselyD1Adapter(env.DB), ...options });
 * ```
 */
export function kyselyD1Adapter(database: D1DatabaseBinding): KyselyD1Adapter {
  const plugin = new FieldCasePlugin();
  // kysely-d1 types the binding as workers-types' D1Database; ours is the structural subset it uses.
  const catalog = new Map<string, TableShape>();
  const dialect = new D1Dialect({ database: database as ConstructorParameters<typeof D1Dialect>[0]["database"], catalog });
  const db = new Kysely<any>({ dialect, plugins: [plugin] });
  const create = kyselyAdapter(db, { type: "sqlite", transaction: true });
  return ((options: BetterAuthOptions) => {
    plugin.remember(authFieldNames(options));
    // Kysely inserts with `RETURNING *`: the unit of work rebuilds that row from these columns, and answers a
    // write keyed by a unique one from a row it read.
    for (const table of Object.values(getAuthTables(options))) {
      const fields = Object.entries(table.fields).map(([key, field]) => ({ column: plugin.columnName(field.fieldName ?? key), unique: field.unique === true }));
      catalog.set(plugin.columnName(table.modelName).toLowerCase(), {
        columns: [...new Set(["id", ...fields.map((field) => field.column)])],
        unique: fields.filter((field) => field.unique).map((field) => field.column),
      });
    }
    return create(options);
  }) as KyselyD1Adapter;
}

function* authFieldNames(options: BetterAuthOptions): Generator<string> {
  for (const table of Object.values(getAuthTables(options))) {
    yield table.modelName;
    for (const [key, field] of Object.entries(table.fields)) yield field.fieldName ?? key;
  }
}
