/**
 * The tables better-auth needs for an options object, in this package's conventions: snake_case names,
 * ISO-8601 TEXT dates, INTEGER booleans, JSON as TEXT, foreign keys with their `ON DELETE`.
 *
 * @module
 */
import type { BetterAuthOptions } from "better-auth";
import { getAuthTables } from "better-auth/db";
import { snakeCase } from "./snake-case.js";

/** One column as our migrations create it. */
export interface ColumnSpec {
  /** better-auth's field name (`emailVerified`), the Drizzle property name. */
  field: string;
  /** The snake_case column (`email_verified`). */
  name: string;
  /** `text` or `integer`: the only two storage types our schema uses. */
  type: "text" | "integer";
  /** better-auth's own type, kept for the Drizzle module (`boolean` becomes `{ mode: "boolean" }`). */
  fieldType: string;
  notNull: boolean;
  /** A SQL literal (`0`, `'pending'`), when better-auth declares a constant default. */
  defaultSQL?: string;
  unique: boolean;
  index: boolean;
  references?: { table: string; column: string; onDelete: string };
}

/** One table as our migrations create it. */
export interface TableSpec {
  /** better-auth's model name (`walletAddress`), the key in the Drizzle schema object. */
  model: string;
  /** The snake_case table (`wallet_address`). */
  name: string;
  /** Every column but `id`, in better-auth's order. */
  columns: ColumnSpec[];
  /** Composite indexes better-auth declares on the table. */
  indexes: Array<{ columns: string[]; unique: boolean }>;
}

/**
 * Every table better-auth reads or writes for `options` (its `getAuthTables`), described in our conventions,
 * referenced tables before the tables that reference them.
 *
 * @example
 * ```ts
 * const tables = expectedSchema({ plugins: [username()] });
 * tables.find((t) => t.name === "user")?.columns.find((c) => c.field === "username"); // { name: "username", unique: true, ... }
 * ```
 */
export function expectedSchema(options: BetterAuthOptions): TableSpec[] {
  const tables = getAuthTables(options);
  const tableName = (model: string): string => snakeCase(tables[model]?.modelName ?? model);
  return Object.values(tables)
    .filter((table) => !table.disableMigrations)
    .sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity))
    .map((table) => {
      const columns: ColumnSpec[] = Object.entries(table.fields).map(([key, field]) => {
        const fieldName = field.fieldName ?? key;
        const storage = storageOf(field.type);
        const column: ColumnSpec = {
          field: fieldName,
          name: snakeCase(fieldName),
          type: storage,
          fieldType: Array.isArray(field.type) ? "string" : String(field.type),
          notNull: field.required !== false,
          unique: field.unique === true,
          index: field.index === true,
        };
        const literal = defaultLiteral(field.defaultValue);
        if (literal !== undefined) column.defaultSQL = literal;
        if (field.references) {
          column.references = {
            table: tableName(field.references.model),
            column: snakeCase(field.references.field),
            onDelete: field.references.onDelete ?? "cascade",
          };
        }
        return column;
      });
      const byField = new Map(Object.entries(table.fields).map(([key, field]) => [key, snakeCase(field.fieldName ?? key)]));
      const indexes = (table.indexes ?? []).map((index) => ({
        columns: index.fields.map((field) => byField.get(field) ?? snakeCase(field)),
        unique: index.unique === true,
      }));
      return { model: table.modelName, name: snakeCase(table.modelName), columns, indexes };
    });
}

/** Dates are ISO-8601 TEXT and booleans 0/1, as both adapters read and write them; JSON and arrays are TEXT. */
function storageOf(type: unknown): "text" | "integer" {
  return type === "number" || type === "boolean" ? "integer" : "text";
}

function defaultLiteral(value: unknown): string | undefined {
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  return undefined;
}
