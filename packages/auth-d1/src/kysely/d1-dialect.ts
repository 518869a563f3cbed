/**
 * kysely-d1's dialect with a D1-aware introspector.
 *
 * @module
 */
import type { DatabaseIntrospector, Kysely } from "kysely";
import { D1Dialect } from "kysely-d1";
import { D1Introspector } from "./d1-introspector.js";

/**
 * `D1Dialect` from kysely-d1, whose introspector (Kysely's generic SQLite one) fails on D1 with SQLITE_AUTH,
 * fitted with {@link D1Introspector}. Migrations and better-auth's schema check work through it.
 *
 * @example
 * ```ts
 * const db = new Kysely<Database>({ dialect: new AuthD1Dialect({ database: env.DB }) });
 * ```
 */
export class AuthD1Dialect extends D1Dialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new D1Introspector(db);
  }
}
