import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql, type Compilable } from "kysely";
import { describe, expect, it, vi } from "vitest";
import { agreeing, classify } from "../d1/sql/classify.js";
import { treeStatement } from "./operation-tree.js";

// Compiles only: the statements better-auth's Kysely adapter builds, and what the classifier makes of their text.
const db = new Kysely<any>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new SqliteIntrospector(kysely),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

function agreed(query: Compilable) {
  const compiled = query.compile();
  return { claim: treeStatement(compiled.query), statement: agreeing(compiled.sql, treeStatement(compiled.query)) };
}

describe("Kysely's operation tree and the SQL classifier", () => {
  it.each([
    ["a read by a unique key", db.selectFrom("user").selectAll().where("user.email", "=", "a@example.com").limit(1), "select", ["user"]],
    [
      "the adapter's wrapped read with a join",
      db
        .selectFrom(db.selectFrom("session").selectAll().where("session.token", "=", "t").limit(1).as("primary"))
        .leftJoin("user as join_user", "join_user.id", "primary.user_id")
        .selectAll("primary")
        .select(["join_user.name as _joined_user_name"]),
      "select",
      ["session", "user"],
    ],
    ["a count with a subquery", db.selectFrom("member").select((eb) => eb.fn.countAll().as("count")).where("organization_id", "in", db.selectFrom("organization").select("id")), "select", ["member", "organization"]],
    ["an insert returning every column", db.insertInto("user").values({ id: "u1", email: "a@example.com" }).returningAll(), "insert", ["user"]],
    ["an update by id", db.updateTable("session").set({ expires_at: "now" }).where("id", "=", "s1").returningAll(), "update", ["session"]],
    ["a delete", db.deleteFrom("verification").where("identifier", "=", "x"), "delete", ["verification"]],
  ] as const)("agree on %s", (_name, query, kind, tables) => {
    const { claim, statement } = agreed(query);
    expect(claim).toEqual({ kind, tables: new Set(tables) });
    expect(statement.kind).toBe(kind);
  });

  it("leave raw SQL to the classifier: it has no tree", () => {
    const compiled = sql`SELECT m.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p`.compile(db);
    expect(treeStatement(compiled.query)).toBeUndefined();
    expect(agreeing(compiled.sql, undefined)).toBe(classify(compiled.sql));
  });

  it("make a statement opaque, with one warning naming both readings, when they disagree", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const text = 'select * from "user" where "id" = ? and 1 = 1';
      expect(classify(text).kind).toBe("select");
      const statement = agreeing(text, { kind: "select", tables: new Set(["user", "session"]) });
      expect(statement).toEqual({ kind: "opaque", reason: "the text reads as a select of user, the query's own tree as a select of user, session" });
      expect(classify(text)).toBe(statement);
      expect(warn).toHaveBeenCalledOnce();
      expect(warn.mock.calls[0]![0]).toContain(text);
    } finally {
      warn.mockRestore();
    }
  });
});
