/**
 * A Kysely driver for D1 whose transactions are units of work: kysely-d1's refuses every transaction.
 *
 * @module
 */
import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult } from "kysely";
import { commitUnitOfWork } from "../d1/commit.js";
import { agreeing } from "../d1/sql/classify.js";
import type { TableCatalog } from "../d1/unit-of-work/catalog.js";
import { openUnitOfWork, type UnitOfWork } from "../d1/unit-of-work/unit-of-work.js";
import type { D1DatabaseBinding } from "../env.js";
import { treeStatement } from "./operation-tree.js";

interface D1AllResult {
  results?: Record<string, unknown>[];
  error?: string;
  meta: { changes?: number; last_row_id?: number | null };
}

/** One connection: queries go to D1, or to the unit it has open. */
class D1Connection implements DatabaseConnection {
  unit: UnitOfWork | undefined;

  constructor(readonly database: D1DatabaseBinding) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // The unit of work and the read retries go by what the text is; here it is checked against Kysely's tree.
    agreeing(compiled.sql, treeStatement(compiled.query));
    const target = this.unit?.binding ?? this.database;
    const statement = target.prepare(compiled.sql) as { bind(...params: readonly unknown[]): { all(): Promise<D1AllResult> } };
    const result = await statement.bind(...compiled.parameters).all();
    if (result.error) throw new Error(result.error);
    const changes = result.meta.changes ?? 0;
    return {
      rows: (result.results ?? []) as R[],
      numAffectedRows: changes > 0 ? BigInt(changes) : undefined,
      insertId: result.meta.last_row_id == null ? undefined : BigInt(result.meta.last_row_id),
    };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("[auth-d1] D1 does not stream query results: use execute() instead of stream().");
  }
}

/**
 * Connections on a D1 binding, where `beginTransaction` opens a unit of work, `commitTransaction` sends its
 * writes in one `batch()` and `rollbackTransaction` drops them.
 *
 * @example
 * ```ts
 * class MyDialect extends D1Dialect {
 *   override createDriver() { return new D1Driver(env.DB, new Map()); }
 * }
 * ```
 */
export class D1Driver implements Driver {
  constructor(
    readonly database: D1DatabaseBinding,
    readonly catalog: TableCatalog,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new D1Connection(this.database);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as D1Connection).unit = openUnitOfWork(this.database, this.catalog);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const unit = (connection as D1Connection).unit;
    (connection as D1Connection).unit = undefined;
    if (unit) await commitUnitOfWork(unit);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as D1Connection).unit?.discard();
    (connection as D1Connection).unit = undefined;
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {}
}
