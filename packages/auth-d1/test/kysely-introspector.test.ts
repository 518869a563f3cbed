/**
 * The Kysely entry's introspector: better-auth's runtime schema check asks it for the tables on the first
 * request of each instance, so it must answer in one D1 round trip and never touch D1's `_cf_*` tables.
 */
import { env } from "cloudflare:test";
import { Kysely } from "kysely";
import { expect, it } from "vitest";
import { D1Dialect } from "../src/kysely/d1-dialect.js";
import { countingD1 } from "./support/index.js";

it("lists every table of the shipped migrations with its columns in one query, and no internal table", async () => {
  const db = countingD1(env.DB);
  const kysely = new Kysely<any>({ dialect: new D1Dialect({ database: db.binding as never, catalog: new Map() }) });
  const tables = await kysely.introspection.getTables();
  expect(db.roundTrips).toHaveLength(1);
  const names = tables.map((table) => table.name);
  expect(names).toEqual(expect.arrayContaining(["user", "session", "account", "verification", "rate_limit", "organization", "two_factor", "jwks", "passkey"]));
  expect(names.filter((name) => name.startsWith("_cf_") || name.startsWith("sqlite_"))).toEqual([]);
  const session = tables.find((table) => table.name === "session")!;
  expect(session.isView).toBe(false);
  expect(session.columns.find((column) => column.name === "token")).toMatchObject({ dataType: "TEXT", isNullable: false, isAutoIncrementing: false });
  expect(session.columns.find((column) => column.name === "ip_address")).toMatchObject({ isNullable: true });
});
