/**
 * The difference between the tables better-auth needs and the tables the migrations create, as SQL that
 * only adds (tables, columns, indexes), or as the reasons it cannot be done by adding.
 *
 * @module
 */
import type { ColumnSpec, TableSpec } from "./expected-schema.js";
import type { MigratedTable } from "./migrated-schema.js";

/** What `auth-d1 generate` would do. */
export interface SchemaPlan {
  /** SQL statements, each ending in `;`. Empty when the migrations are current. */
  statements: string[];
  /** One readable line per change (`+ column user.username (text, unique)`), for the console and `--check`. */
  changes: string[];
  /** Changes SQLite cannot make by adding, each with what to do instead. Nothing is written when any. */
  unsafe: string[];
  /** The expected tables that are new or gain columns. */
  changedTables: TableSpec[];
}

/**
 * Compares `expected` with `migrated` and returns the additive migration between them. Tables and columns
 * the options no longer use are left alone unless they would break inserts (NOT NULL without a default).
 *
 * @example
 * ```ts
 * const plan = planSchema(expectedSchema(options), await migratedSchema("migrations"));
 * if (plan.unsafe.length === 0) await writeFile("migrations/0003_auth_schema.sql", plan.statements.join("\n"));
 * ```
 */
export function planSchema(expected: TableSpec[], migrated: Map<string, MigratedTable>): SchemaPlan {
  const plan: SchemaPlan = { statements: [], changes: [], unsafe: [], changedTables: [] };
  for (const table of expected) {
    const existing = migrated.get(table.name);
    if (!existing) {
      plan.statements.push(createTable(table));
      plan.changes.push(`+ table ${table.name} (${table.columns.map((c) => c.name).join(", ")})`);
      plan.changedTables.push(table);
      for (const column of table.columns) addIndexes(plan, table, column, undefined);
      for (const index of table.indexes) addCompositeIndex(plan, table, index, undefined);
      continue;
    }
    let changed = false;
    for (const column of table.columns) {
      const found = existing.columns.find((c) => c.name === column.name);
      if (!found) {
        changed = true;
        addColumn(plan, table, column);
      } else {
        const has = affinity(found.type);
        if (has !== column.type) {
          plan.unsafe.push(
            `${table.name}.${column.name} is ${found.type || "untyped"} (${has} affinity) in the migrations, but ${table.model}.${column.field} (${column.fieldType}) is stored as ${column.type}. SQLite cannot change a column's type in place: rebuild the table in a migration of your own (create the new table, copy the rows, drop the old one, rename), or rename the field with \`fieldName\`.`,
          );
        } else if (found.notNull && !found.hasDefault && !column.notNull) {
          plan.unsafe.push(
            `${table.name}.${column.name} is NOT NULL without a default, but ${table.model}.${column.field} is optional (required: false), so better-auth may insert a row without it and the insert fails. Rebuild the table with the column nullable, or give the field a defaultValue.`,
          );
        }
      }
      addIndexes(plan, table, column, existing);
    }
    for (const index of table.indexes) addCompositeIndex(plan, table, index, existing);
    const written = new Set(["id", ...table.columns.map((c) => c.name)]);
    for (const column of existing.columns) {
      if (written.has(column.name) || !column.notNull || column.hasDefault) continue;
      plan.unsafe.push(
        `${table.name}.${column.name} is NOT NULL without a default, and the options no longer write it, so every insert into ${table.name} fails. auth-d1 generate never drops or relaxes columns: drop it, or rebuild the table with it nullable, in a migration of your own (after a backup).`,
      );
    }
    if (changed) plan.changedTables.push(table);
  }
  return plan;
}

function addColumn(plan: SchemaPlan, table: TableSpec, column: ColumnSpec): void {
  if (column.notNull && column.defaultSQL === undefined) {
    plan.unsafe.push(
      `${table.model}.${column.field} is required and has no constant defaultValue, so it cannot be added to the existing table ${table.name}: SQLite adds a NOT NULL column only with a default, and the rows already there would have no value. Declare the field with \`required: false\` or a constant \`defaultValue\`.`,
    );
    return;
  }
  plan.statements.push(`ALTER TABLE \`${table.name}\` ADD \`${column.name}\` ${columnDefinition(column)};`);
  plan.changes.push(`+ column ${table.name}.${column.name} (${describe(column)})`);
}

function addIndexes(plan: SchemaPlan, table: TableSpec, column: ColumnSpec, existing: MigratedTable | undefined): void {
  if (column.unique && !existing?.indexes.some((i) => i.unique && sameColumns(i.columns, [column.name]))) {
    plan.statements.push(`CREATE UNIQUE INDEX \`${table.name}_${column.name}_unique\` ON \`${table.name}\` (\`${column.name}\`);`);
    plan.changes.push(`+ unique index ${table.name}_${column.name}_unique on ${table.name} (${column.name})`);
  }
  if (column.index && !column.unique && !existing?.indexes.some((i) => i.columns[0] === column.name)) {
    plan.statements.push(`CREATE INDEX \`${table.name}_${column.name}_idx\` ON \`${table.name}\` (\`${column.name}\`);`);
    plan.changes.push(`+ index ${table.name}_${column.name}_idx on ${table.name} (${column.name})`);
  }
}

function addCompositeIndex(plan: SchemaPlan, table: TableSpec, index: TableSpec["indexes"][number], existing: MigratedTable | undefined): void {
  if (existing?.indexes.some((i) => (i.unique || !index.unique) && sameColumns(i.columns, index.columns))) return;
  const name = `${table.name}_${index.columns.join("_")}_${index.unique ? "unique" : "idx"}`;
  const columns = index.columns.map((c) => `\`${c}\``).join(", ");
  plan.statements.push(`CREATE ${index.unique ? "UNIQUE " : ""}INDEX \`${name}\` ON \`${table.name}\` (${columns});`);
  plan.changes.push(`+ ${index.unique ? "unique " : ""}index ${name} on ${table.name} (${index.columns.join(", ")})`);
}

function createTable(table: TableSpec): string {
  const lines = ["\t`id` text PRIMARY KEY NOT NULL", ...table.columns.map((c) => `\t\`${c.name}\` ${columnDefinition({ ...c, references: undefined })}`)];
  for (const column of table.columns.filter((c) => c.references)) {
    const { table: target, column: targetColumn, onDelete } = column.references!;
    lines.push(`\tFOREIGN KEY (\`${column.name}\`) REFERENCES \`${target}\`(\`${targetColumn}\`) ON UPDATE no action ON DELETE ${onDelete}`);
  }
  return `CREATE TABLE \`${table.name}\` (\n${lines.join(",\n")}\n);`;
}

function columnDefinition(column: ColumnSpec): string {
  let sql = column.type;
  if (column.defaultSQL !== undefined) sql += ` DEFAULT ${column.defaultSQL}`;
  if (column.notNull) sql += " NOT NULL";
  if (column.references) sql += ` REFERENCES \`${column.references.table}\`(\`${column.references.column}\`) ON DELETE ${column.references.onDelete}`;
  return sql;
}

function describe(column: ColumnSpec): string {
  const parts = [column.fieldType === column.type ? column.type : `${column.type}, ${column.fieldType}`];
  if (column.notNull) parts.push("not null");
  if (column.unique) parts.push("unique");
  if (column.references) parts.push(`-> ${column.references.table}.${column.references.column} on delete ${column.references.onDelete}`);
  return parts.join(", ");
}

function sameColumns(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((column, i) => column === b[i]);
}

/** SQLite's type affinity rules (https://sqlite.org/datatype3.html#determination_of_column_affinity). */
function affinity(declared: string): string {
  const type = declared.toLowerCase();
  if (type.includes("int")) return "integer";
  if (type.includes("char") || type.includes("clob") || type.includes("text")) return "text";
  if (type === "" || type.includes("blob")) return "blob";
  if (type.includes("real") || type.includes("floa") || type.includes("doub")) return "real";
  return "numeric";
}
