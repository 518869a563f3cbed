/**
 * kysely-d1's dialect, fitted for D1: a D1-aware introspector, and no single-connection lock.
 *
 * @module
 */
import { SqliteAdapter, type DatabaseIntrospector, type Driver, type Kysely } from "kysely";
import { D1Dialect as KyselyD1Dialect, type D1DialectConfig } from "kysely-d1";
import { retryingReads } from "../d1/retry.js";
import type { TableCatalog } from "../d1/unit-of-work/catalog.js";
import type { D1DatabaseBinding } from "../env.js";
import { D1Driver } from "./d1-driver.js";
import { D1Introspector } from "./d1-introspector.js";

/**
 * SQLite's SQL, but many connections. Kysely 0.29 queues every query of an instance behind one lock when the
 * adapter says it supports a single connection, as the SQLite adapter does. D1 is a remote service with no
 * such limit, and a Worker shares one instance between concurrent requests: the lock ran their queries one at
 * a time, and a request that ended while holding it (one failed query among parallel ones) left it held for
 * every later request in the isolate.
 */
class D1Adapter extends SqliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

/**
 * kysely-d1's `D1Dialect` with {@link D1Introspector} (Kysely's generic SQLite one fails on D1 with
 * SQLITE_AUTH) and without Kysely's single-connection lock, so concurrent requests in one isolate query D1
 * in parallel and a failed request cannot stall the next, and with `D1Driver`, whose transactions are
 * units of work committed in one `batch()` (D1 refuses `BEGIN`), and with reads retried on the errors
 * Cloudflare documents as transient (writes are sent once). Migrations and better-auth's schema check work
 * through it.
 *
 * @example
 * ```ts
 * import { D1Dialect } from "@acme/auth-d1/kysely";
 * const db = new Kysely<Database>({ dialect: new D1Dialect({ database: env.DB }) });
 * ```
 */
export class D1Dialect extends KyselyD1Dialect {
  readonly #database: D1DatabaseBinding;
  readonly #catalog: TableCatalog;

  /** `catalog` lists each table's columns, so a unit can answer `INSERT ... RETURNING *` without reading. */
  constructor(config: D1DialectConfig & { catalog?: TableCatalog }) {
    super(config);
    this.#database = retryingReads(config.database as unknown as D1DatabaseBinding);
    this.#catalog = config.catalog ?? new Map();
  }

  /** `D1Driver`: transactions run as units of work committed in one `batch()`. */
  override createDriver(): Driver {
    return new D1Driver(this.#database, this.#catalog);
  }

  /** SQLite's adapter without the single-connection lock. */
  override createAdapter(): SqliteAdapter {
    return new D1Adapter();
  }

  /** {@link D1Introspector}, which reads tables without the queries D1 refuses. */
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new D1Introspector(db);
  }
}
