/**
 * The tables better-auth's conformance suites ask for, built our way: snake_case columns, ISO-8601 TEXT
 * dates, INTEGER booleans and numbers, JSON and arrays as TEXT. One walk over `getAuthTables(options)`
 * yields a plan; the plan becomes D1 DDL for both adapters and a drizzle-orm schema for the Drizzle one.
 *
 * @module
 */
import type { BetterAuthOptions } from "better-auth";
import { getAuthTables } from "better-auth/db";
import { relations, type Relation, type TableRelationsHelpers } from "drizzle-orm";
import { integer, sqliteTable, text, type SQLiteColumnBuilderBase, type SQLiteTableWithColumns } from "drizzle-orm/sqlite-core";
import { CamelCasePlugin } from "kysely";

/** How a value is stored: TEXT, INTEGER, or INTEGER read back as a boolean. */
type Storage = "text" | "integer" | "boolean";

interface ColumnPlan {
  /** better-auth's name for the column (its `fieldName`), and the drizzle property. */
  field: string;
  /** The SQL column name. */
  column: string;
  storage: Storage;
  notNull: boolean;
  unique: boolean;
  index: boolean;
  references: ReferencePlan | undefined;
}

interface ReferencePlan {
  /** The referenced table's model name (its drizzle schema key). */
  model: string;
  table: string;
  field: string;
  column: string;
  onDelete: string;
}

interface TablePlan {
  /** better-auth's model name: the drizzle schema key. */
  model: string;
  /** The SQL table name. */
  table: string;
  /** `INTEGER PRIMARY KEY AUTOINCREMENT` under `generateId: "serial"`, TEXT otherwise. */
  serialId: boolean;
  columns: ColumnPlan[];
}

/** Kysely's own snake_case rule, so these tables carry exactly the names FieldCasePlugin sends. */
class SnakeCase extends CamelCasePlugin {
  of(name: string): string {
    return this.snakeCase(name);
  }
}

const snake = new SnakeCase();

/** Walks `getAuthTables(options)` once; everything else in this module reads the result. */
function planAuthTables(options: BetterAuthOptions): TablePlan[] {
  const tables = getAuthTables(options);
  const serialId = options.advanced?.database?.generateId === "serial";
  const findTable = (model: string) => tables[model] ?? Object.values(tables).find((table) => table.modelName === model);
  return Object.values(tables)
    .filter((table) => !table.disableMigrations)
    .map((table) => ({
      model: table.modelName,
      table: snake.of(table.modelName),
      serialId,
      columns: Object.entries(table.fields).map(([key, attribute]): ColumnPlan => {
        const field = attribute.fieldName ?? key;
        const target = attribute.references && findTable(attribute.references.model);
        if (attribute.references && !target) {
          throw new Error(`[auth-d1 conformance] ${table.modelName}.${field} references unknown model "${attribute.references.model}"`);
        }
        const targetField = attribute.references?.field === "id" ? "id" : (target?.fields[attribute.references?.field ?? ""]?.fieldName ?? attribute.references?.field);
        // An unset onDelete means cascade, as in better-auth's own migrations.
        return {
          field,
          column: snake.of(field),
          // better-auth turns references to serial ids into numbers before they reach the adapter.
          storage: serialId && attribute.references?.field === "id" ? "integer" : storageOf(attribute.type),
          notNull: attribute.required !== false,
          unique: attribute.unique === true,
          index: attribute.index === true,
          references:
            target && targetField
              ? { model: target.modelName, table: snake.of(target.modelName), field: targetField, column: snake.of(targetField), onDelete: attribute.references?.onDelete ?? "cascade" }
              : undefined,
        };
      }),
    }));
}

function storageOf(type: unknown): Storage {
  if (type === "boolean") return "boolean";
  if (type === "number") return "integer";
  // Dates as ISO-8601 text; strings, enums, JSON and arrays as text.
  return "text";
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function columnSQL(column: ColumnPlan): string {
  const parts = [quote(column.column), column.storage === "text" ? "TEXT" : "INTEGER"];
  if (column.notNull) parts.push("NOT NULL");
  if (column.unique) parts.push("UNIQUE");
  if (column.references) {
    const { table, column: target, onDelete } = column.references;
    parts.push(`REFERENCES ${quote(table)}(${quote(target)}) ON DELETE ${onDelete.toUpperCase()}`);
  }
  return parts.join(" ");
}

function createTableSQL(plan: TablePlan): string[] {
  const id = plan.serialId ? `"id" INTEGER PRIMARY KEY AUTOINCREMENT` : `"id" TEXT PRIMARY KEY NOT NULL`;
  const create = `CREATE TABLE ${quote(plan.table)} (${[id, ...plan.columns.map(columnSQL)].join(", ")})`;
  const indexes = plan.columns
    .filter((column) => column.index && !column.unique)
    .map((column) => `CREATE INDEX ${quote(`${plan.table}_${column.column}_idx`)} ON ${quote(plan.table)}(${quote(column.column)})`);
  return [create, ...indexes];
}

/**
 * Drops every table in `database` and creates the ones `options` needs, in one atomic batch (D1 refuses
 * `BEGIN`). D1's own tables stay: `_cf_*` cannot even be read, and `d1_migrations` belongs to wrangler.
 *
 * @example
 * ```ts
 * await recreateAuthTables(env.CONFORMANCE_KYSELY_DB, { user: { modelName: "user_custom" } });
 * ```
 */
export async function recreateAuthTables(database: D1Database, options: BetterAuthOptions): Promise<void> {
  const statements = [
    // Foreign keys are checked when the batch commits, by which time every table is consistent again.
    "PRAGMA defer_foreign_keys = ON",
    ...(await tablesChildrenFirst(database)).map((name) => `DROP TABLE ${quote(name)}`),
    ...planAuthTables(options).flatMap(createTableSQL),
  ];
  await database.batch(statements.map((statement) => database.prepare(statement)));
}

/**
 * The tables in `database`, each after every table that references it. Dropping a parent first makes
 * SQLite look for it again when the child's rows go, and fail with "no such table".
 */
async function tablesChildrenFirst(database: D1Database): Promise<string[]> {
  const { results } = await database
    .prepare(
      `SELECT m.name, f."table" AS parent FROM sqlite_master AS m LEFT JOIN pragma_foreign_key_list(m.name) AS f
       WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name NOT LIKE '\\_cf\\_%' ESCAPE '\\'
       AND m.name <> 'd1_migrations'`,
    )
    .all<{ name: string; parent: string | null }>();
  const remaining = new Set(results.map(({ name }) => name));
  const ordered: string[] = [];
  while (remaining.size > 0) {
    const referenced = new Set(results.filter(({ name, parent }) => remaining.has(name) && parent !== name).map(({ parent }) => parent));
    // A cycle leaves no leaf; the deferred foreign keys let any order through then.
    const leaves = [...remaining].filter((name) => !referenced.has(name));
    for (const name of leaves.length > 0 ? leaves : [...remaining]) {
      ordered.push(name);
      remaining.delete(name);
    }
  }
  return ordered;
}

function columnBuilder(column: ColumnPlan): SQLiteColumnBuilderBase {
  let builder =
    column.storage === "boolean" ? integer(column.column, { mode: "boolean" }) : column.storage === "integer" ? integer(column.column) : text(column.column);
  if (column.notNull) builder = builder.notNull();
  if (column.unique) builder = builder.unique();
  return builder;
}

type Table = SQLiteTableWithColumns<any>;

/** One side of a foreign key as drizzle's relational queries see it: a relation key and how to build it. */
interface RelationPlan {
  key: string;
  build: (helpers: TableRelationsHelpers<string>) => Relation;
}

/**
 * Each foreign key becomes a pair of relations, keyed the way better-auth's drizzle adapter looks them up:
 * the referencing side gets `one()` under the referenced model's name; the referenced side gets `one()`
 * under the referencing model's name when the key is unique, `many()` under that name plus `s` otherwise.
 */
function relationPlans(plans: TablePlan[], tables: Record<string, Table>): Map<string, RelationPlan[]> {
  const byModel = new Map(plans.map((plan) => [plan.model, [] as RelationPlan[]]));
  const taken = (model: string, key: string) => byModel.get(model)!.some((relation) => relation.key === key);
  for (const plan of plans) {
    for (const column of plan.columns) {
      if (!column.references) continue;
      const { model: target, field: targetField } = column.references;
      const source = tables[plan.model]!;
      const referenced = tables[target]!;
      const relationName = `${plan.model}.${column.field}`;
      const back = column.unique ? plan.model : `${plan.model}s`;
      // A key taken by another foreign key (two keys between the same tables) cannot be looked up anyway.
      if (taken(plan.model, target) || taken(target, back) || (plan.model === target && target === back)) continue;
      byModel.get(plan.model)!.push({
        key: target,
        build: ({ one }) => one(referenced, { fields: [source[column.field]], references: [referenced[targetField]], relationName }),
      });
      byModel.get(target)!.push({
        key: back,
        build: column.unique
          ? ({ one }) => one(source, { fields: [referenced[targetField]], references: [source[column.field]], relationName })
          : ({ many }) => many(source, { relationName }),
      });
    }
  }
  return byModel;
}

/**
 * A drizzle-orm schema for `options`: one `sqliteTable` per model under its model name, columns under their
 * field names, and the `relations()` better-auth's joins go through. Pass it as `drizzleD1Adapter`'s tables.
 *
 * @example
 * ```ts
 * const adapter = drizzleD1Adapter(env.CONFORMANCE_DRIZZLE_DB, drizzleAuthSchema(options));
 * ```
 */
export function drizzleAuthSchema(options: BetterAuthOptions): Record<string, unknown> {
  const plans = planAuthTables(options);
  const tables: Record<string, Table> = {};
  for (const plan of plans) {
    const id = plan.serialId ? integer("id").primaryKey({ autoIncrement: true }) : text("id").primaryKey();
    tables[plan.model] = sqliteTable(plan.table, { id, ...Object.fromEntries(plan.columns.map((column) => [column.field, columnBuilder(column)])) });
  }
  const schema: Record<string, unknown> = { ...tables };
  for (const [model, plansForModel] of relationPlans(plans, tables)) {
    if (plansForModel.length === 0) continue;
    schema[`${model}Relations`] = relations(tables[model]!, (helpers) =>
      Object.fromEntries(plansForModel.map((relation) => [relation.key, relation.build(helpers)])),
    );
  }
  return schema;
}
