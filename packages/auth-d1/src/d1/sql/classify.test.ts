import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classify, isRead, type Statement } from "./classify.js";
import { tokenize } from "./tokenize.js";

function opaque(sql: string): string | undefined {
  const statement = classify(sql);
  return statement.kind === "opaque" ? statement.reason : undefined;
}

function as<K extends Statement["kind"]>(sql: string, kind: K): Extract<Statement, { kind: K }> {
  const statement = classify(sql);
  expect(statement.kind, `${sql}: ${JSON.stringify(statement)}`).toBe(kind);
  return statement as Extract<Statement, { kind: K }>;
}

describe("tokenize", () => {
  it("reads quoted names, strings with doubled quotes, comments, numbers, parameters and operators", () => {
    const tokens = tokenize(`select "a""b", 'it''s -- not a comment', [x], \`y\` -- a comment\n from t /* another */ where n >= 1.5e3 and m = ?12 and o = :name || x'00'`);
    expect(tokens.map((token) => `${token.kind}:${token.value}`)).toEqual([
      "word:select", 'name:a"b', "punct:,", "string:it's -- not a comment", "punct:,", "name:x", "punct:,", "name:y",
      "word:from", "word:t", "word:where", "word:n", "punct:>=", "number:1.5e3", "word:and", "word:m", "punct:=", "param:?12",
      "word:and", "word:o", "punct:=", "param::name", "punct:||", "string:00",
    ]);
  });

  it("keeps where each token sits, so a clause's text is cut from the statement as written", () => {
    const sql = 'update "user" set "name" = \'x\'';
    expect(tokenize(sql).map((token) => sql.slice(token.start, token.end))).toEqual(["update", '"user"', "set", '"name"', "=", "'x'"]);
  });
});

describe("classify: reads", () => {
  it("names every table a SELECT reads, in joins and subqueries too", () => {
    expect(as('select "primary".* from (select * from "user" where "user"."email" = ?) as "primary"', "select").tables).toEqual(new Set(["user"]));
    expect(as('select * from "member" inner join "organization" on 1 where "id" in (select "id" from session)', "select").tables).toEqual(new Set(["member", "organization", "session"]));
    expect(as("select 1", "select").tables).toEqual(new Set());
  });

  it("is opaque for a comma join, which once read as one table and missed the rows the unit held for the other", () => {
    expect(opaque('select * from "user", "session" where "user"."id" = "session"."user_id"')).toBe("a comma join");
    expect(opaque('select * from "user" as "u", "session"')).toBe("a comma join");
    expect(opaque('select * from (select * from "user") as "p", "session"')).toBe("a comma join");
  });

  it("is opaque for a schema-qualified name, which once read as the schema", () => {
    expect(opaque('select * from main."user"')).toBe("a schema-qualified name");
    expect(opaque('select * from "session" join main."user" on 1')).toBe("a schema-qualified name");
    expect(opaque("select * from my_function('user')")).toBe("a table-valued function");
  });

  it("reads SQLite's own table-valued functions, which read the schema or JSON and no table's rows", () => {
    const catalog =
      "SELECT m.name AS table_name, p.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p WHERE m.type IN ('table', 'view') ORDER BY m.name, p.cid";
    expect(as(catalog, "select").tables).toEqual(new Set(["sqlite_master"]));
    expect(as('select "value" from json_each(?)', "select").tables).toEqual(new Set());
  });

  it("is opaque for a WITH clause it did not write, and reads the unit's own overlay", () => {
    expect(opaque("with x as (select 1) delete from \"user\"")).toBe("a WITH clause");
    expect(opaque('with "user" as (select * from "user") select * from "user"')).toBe("a WITH clause");
    const overlay =
      'WITH "user"("id", "email") AS (SELECT "id", "email" FROM main."user" WHERE "id" NOT IN (?, ?) UNION ALL VALUES (?, ?), (?, ?)), "session" AS (SELECT * FROM main."session") select * from "user" join "session" on 1 where "user"."id" = ?';
    expect(as(overlay, "select").tables).toEqual(new Set(["user", "session"]));
    expect(opaque(overlay.replace('main."session"', 'main."account"'))).toBe("a WITH clause");
    expect(opaque(overlay.replace("UNION ALL VALUES (?, ?)", "UNION ALL VALUES (1, ?)"))).toBe("a WITH clause");
  });

  it("reads Drizzle's and Kysely's plain reads of one table, and counts", () => {
    expect(as('select "id", "email" from "user" where ("user"."email" = ? and "user"."id" = ?) limit ?', "select").plain).toEqual({
      table: "user", columns: ["id", "email"], count: undefined, where: '("user"."email" = ? and "user"."id" = ?)', equalities: ["email", "id"], ordered: false, limited: true,
    });
    expect(as('select "primary".* from (select * from "session" where "session"."token" = ?) as "primary" limit ?', "select").plain).toMatchObject({
      table: "session", columns: "*", equalities: ["token"], limited: true,
    });
    expect(as('select "primary".* from (select * from "user" where "user"."id" = ? limit ?) as "primary"', "select").plain).toMatchObject({ table: "user", equalities: ["id"], limited: true });
    expect(as('select "primary".* from (select * from "user" where "user"."id" = ? limit ?) as "primary" limit ?', "select").plain).toBeUndefined();
    expect(as('select count(*) from "member" where "member"."organization_id" = ?', "select").plain).toMatchObject({ count: "count(*)", columns: undefined, equalities: ["organization_id"] });
    expect(as('select count("id") as "count" from "member" where "member"."organization_id" = ?', "select").plain).toMatchObject({ count: "count" });
    expect(as('select "id" from "session" where "session"."user_id" = ? order by "created_at" desc', "select").plain).toMatchObject({ ordered: true, equalities: ["user_id"] });
  });

  it("has no plain read for a join, a grouping, an alias, an expression or another table's column", () => {
    for (const sql of [
      'select "id" from "session" left join "user" on 1 where "session"."token" = ?',
      'select "user_id" from "session" where "session"."token" = ? group by "user_id"',
      'select "id" from "user" as "u" where "u"."id" = ?',
      'select "id", lower("email") from "user"',
      'select "id" from "user" where "session"."id" = ?',
      'select "id" from "user" limit 1',
      'select "id" from "user" limit ? offset ?',
      'select * from "user" where "user"."id" in (select "user_id" from "session" where "session"."token" = ?)',
    ]) {
      expect(as(sql, "select").plain, sql).toBeUndefined();
    }
  });

  it("tells equalities only from a WHERE of `column = ?` terms joined by AND", () => {
    expect(as('select * from "user" where "user"."email" = ? or "user"."id" = ?', "select").plain?.equalities).toBeUndefined();
    expect(as('select * from "user" where "user"."email" = \'x\'', "select").plain?.equalities).toBeUndefined();
    expect(as('select * from "user" where "email" = ?', "select").plain?.equalities).toEqual(["email"]);
  });
});

describe("classify: writes", () => {
  it("reads a one-row INSERT of bound values and NULLs, with or without RETURNING", () => {
    expect(as('insert into "session" ("id", "token", "active", "team_id") values (?, ?, ?, null) returning "id", "token"', "insert")).toEqual({
      kind: "insert", table: "session", columns: ["id", "token", "active", "team_id"], values: ["param", "param", "param", "null"], returning: ["id", "token"], params: 3,
    });
    expect(as('insert into "user" ("id", "email") values (?, ?) returning *', "insert").returning).toBe("*");
    expect(as('insert into "user" ("id") values (?);', "insert").returning).toBeUndefined();
  });

  it("is opaque for any other INSERT", () => {
    for (const sql of [
      'insert into "user" ("id", "created_at") values (?, strftime(\'%s\', \'now\'))',
      'insert into "user" ("id") values (?), (?)',
      'insert into "user" ("id") values (?) on conflict do nothing',
      'insert into "user" ("id") values (1)',
      'insert or replace into "user" ("id") values (?)',
      'insert into main."user" ("id") values (?)',
      'insert into "user" select * from "other"',
    ]) {
      expect(opaque(sql), sql).toBeDefined();
    }
  });

  it("reads Drizzle's conditional UPDATE: the SET list, the WHERE with its subquery, which parameters are whose, the RETURNING list", () => {
    const sql =
      'update "team" set "member_count" = "team"."member_count" + ?, "updated_at" = ? where ("team"."id" = ? and "team"."id" in (select "id" from "team" where "team"."id" = ? limit ?)) returning "id", "member_count"';
    expect(as(sql, "update")).toEqual({
      kind: "update",
      table: "team",
      assignments: [
        { column: "member_count", expression: '"team"."member_count" + ?' },
        { column: "updated_at", expression: "?" },
      ],
      where: '("team"."id" = ? and "team"."id" in (select "id" from "team" where "team"."id" = ? limit ?))',
      equalities: undefined,
      setParams: 2,
      returning: ["id", "member_count"],
      params: 5,
    });
  });

  it("reads Kysely's DELETE ... RETURNING * and a DELETE without WHERE", () => {
    expect(as('delete from "verification" where "verification"."id" = ? returning *', "delete")).toEqual({ kind: "delete", table: "verification", where: '"verification"."id" = ?', equalities: ["id"], returning: "*", params: 1 });
    expect(as('delete from "session"', "delete")).toMatchObject({ where: undefined, returning: undefined });
  });

  it("keeps keywords inside strings and quoted names out of the split", () => {
    expect(as('update "user" set "name" = \'where returning\', "where" = ? where "id" = ?', "update")).toMatchObject({ where: '"id" = ?', setParams: 1, equalities: ["id"] });
  });

  it("is opaque for UPDATE ... FROM, which once became a SELECT that failed and left the unit unable to commit", () => {
    expect(opaque('update "user" set "name" = "s"."token" from "session" as "s" where "s"."user_id" = "user"."id"')).toMatch(/FROM/);
    expect(opaque('update or replace "user" set "name" = ?')).toBeDefined();
    expect(opaque('update main."user" set "name" = ?')).toBe("a schema-qualified name");
    expect(opaque('update "user" set ("name", "email") = (?, ?)')).toBeDefined();
    expect(opaque('delete from "user" where "id" = ? limit 1')).toBeDefined();
  });
});

describe("classify: anything else", () => {
  it("is opaque for several statements, numbered or named parameters, other statements and text that is not SQL", () => {
    expect(opaque('select 1; delete from "user"')).toBe("several statements");
    expect(opaque('select * from "user" where "id" = ?1')).toBe("numbered or named parameters");
    expect(opaque("PRAGMA table_info(user)")).toMatch(/starts with "pragma"/);
    expect(opaque('replace into "user" ("id") values (?)')).toBeDefined();
    expect(opaque("select 'unterminated")).toMatch(/unterminated/);
    expect(opaque("")).toBeDefined();
  });

  it("never throws, and calls only a SELECT a read, whatever the text", () => {
    fc.assert(
      fc.property(fc.string(), (sql) => {
        const statement = classify(sql);
        expect(isRead(sql)).toBe(statement.kind === "select");
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom("insert", "update", "delete", "replace", "create", "drop", "alter"), fc.string(), (verb, rest) => {
        expect(isRead(`${verb} ${rest}`)).toBe(false);
      }),
    );
  });

  it("parses a text once: the same text is answered with the same result", () => {
    const sql = 'select "id" from "user" where "user"."id" = ?';
    expect(classify(sql)).toBe(classify(sql));
  });
});
