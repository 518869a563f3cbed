/**
 * A Kysely introspector for D1 that never touches D1's internal `_cf_*` tables.
 *
 * @module
 */
import type { DatabaseIntrospector, DatabaseMetadataOptions, Kysely, SchemaMetadata, TableMetadata } from "kysely";
import { sql } from "kysely";

/** One column of one table or view, as the single catalog query returns it. */
interface ColumnRow {
  table_name: string;
  table_type: "table" | "view";
  name: string;
  type: string;
  notnull: number;
  dflt_value: unknown;
  pk: number;
}

/**
 * Lists tables and columns in one query (one D1 round trip: better-auth runs this schema check on the first
 * request of each instance). Kysely's generic SQLite introspector also reads D1's `_cf_*`
 * tables, and D1 answers that with SQLITE_AUTH; this one leaves them, `sqlite_*` and Kysely's migration
 * tables out.
 *
 * @example
 * ```ts
 * class MyD1Dialect extends D1Dialect {
 *   override createIntrospector(db: Kysely<any>) {
 *     return new D1Introspector(db);
 *   }
 * }
 * ```
 */
export class D1Introspector implements DatabaseIntrospector {
  readonly #db: Kysely<any>;

  constructor(db: Kysely<any>) {
    // Catalog names are data, not identifiers: keep case-converting plugins out of these queries.
    this.#db = db.withoutPlugins();
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    return [];
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const internal = options.withInternalKyselyTables ? [] : ["kysely_migration", "kysely_migration_lock"];
    // `!` escapes `_` in LIKE: a backslash in this template would reach SQLite as an empty ESCAPE.
    const { rows } = await sql<ColumnRow>`
      SELECT m.name AS table_name, m.type AS table_type, p.name, p.type, p."notnull", p.dflt_value, p.pk
      FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
      WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!' AND m.name NOT LIKE '!_cf!_%' ESCAPE '!'
      ORDER BY m.name, p.cid`.execute(this.#db);
    const byTable = new Map<string, ColumnRow[]>();
    for (const row of rows) {
      if (internal.includes(row.table_name)) continue;
      byTable.set(row.table_name, [...(byTable.get(row.table_name) ?? []), row]);
    }
    return [...byTable.values()].map((own) => {
      const integerKey = own.filter((column) => column.pk > 0);
      const rowidAlias = integerKey.length === 1 && integerKey[0]!.type.toLowerCase() === "integer" ? integerKey[0]!.name : undefined;
      return {
        name: own[0]!.table_name,
        isView: own[0]!.table_type === "view",
        isForeign: false,
        columns: own.map((column) => ({
          name: column.name,
          dataType: column.type,
          isNullable: column.notnull === 0,
          isAutoIncrementing: column.name === rowidAlias,
          hasDefaultValue: column.dflt_value !== null,
        })),
      };
    });
  }

  /** Kysely before 0.29 asks for this instead of `getTables`. */
  async getMetadata(options?: DatabaseMetadataOptions): Promise<{ tables: TableMetadata[] }> {
    return { tables: await this.getTables(options) };
  }
}
