/**
 * The drizzle entry's start-up check: every table and field better-auth will use must be in the Drizzle
 * tables it is given, or the first request fails instead of `createAuth`.
 *
 * @module
 */
import type { BetterAuthOptions } from "better-auth";
import { getAuthTables } from "better-auth/db";
import { AuthD1Error } from "../errors.js";

/**
 * Throws an `OPTIONS_INVALID` {@link AuthD1Error} naming each model and field of `options` that `tables`
 * lacks, keyed as better-auth's drizzle adapter looks them up (`tables.user.companyName`).
 *
 * @example
 * ```ts
 * checkDrizzleTables({ ...authSchema, ...generatedSchema }, betterAuthOptions);
 * ```
 */
export function checkDrizzleTables(tables: Record<string, unknown>, options: BetterAuthOptions): void {
  const missing: string[] = [];
  for (const table of Object.values(getAuthTables(options))) {
    if (table.disableMigrations) continue;
    const drizzleTable = tables[table.modelName];
    if (drizzleTable === null || typeof drizzleTable !== "object") {
      missing.push(table.modelName);
      continue;
    }
    for (const [key, field] of Object.entries(table.fields)) {
      const name = field.fieldName ?? key;
      if (!(name in drizzleTable)) missing.push(`${table.modelName}.${name}`);
    }
  }
  if (missing.length === 0) return;
  throw new AuthD1Error(
    "OPTIONS_INVALID",
    `the Drizzle tables passed as \`schema\` lack what these options need: ${missing.join(", ")}. Run \`npx auth-d1 generate --config <your options module> --drizzle <file>\` and pass \`schema: { ...authSchema, ...generatedSchema }\` (docs/plugins.md).`,
  );
}
