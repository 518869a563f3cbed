import { describe, expect, it } from "vitest";
import { insertShape, tablesRead, writeShape } from "./statement-shape.js";

describe("insertShape", () => {
  it("reads Drizzle's insert: bound values, NULL literals, booleans as D1 stores them, the RETURNING list", () => {
    const shape = insertShape('insert into "session" ("id", "token", "active", "team_id") values (?, ?, ?, null) returning "id", "token"', ["s1", "t1", true]);
    expect(shape).toEqual({
      table: "session",
      row: new Map<string, unknown>([["id", "s1"], ["token", "t1"], ["active", 1], ["team_id", null]]),
      returning: ["id", "token"],
    });
  });

  it("reads Kysely's `returning *` and an insert without RETURNING", () => {
    expect(insertShape('insert into "user" ("id", "email") values (?, ?) returning *', ["u1", "a@example.com"])?.returning).toBe("*");
    expect(insertShape('insert into "user" ("id") values (?)', ["u1"])?.returning).toBeUndefined();
  });

  it("leaves to D1 what it cannot rebuild exactly: expressions, several rows, ON CONFLICT, a parameter count that does not match", () => {
    expect(insertShape('insert into "user" ("id", "created_at") values (?, strftime(\'%s\', \'now\'))', ["u1"])).toBeUndefined();
    expect(insertShape('insert into "user" ("id") values (?), (?)', ["u1", "u2"])).toBeUndefined();
    expect(insertShape('insert into "user" ("id") values (?) on conflict do nothing', ["u1"])).toBeUndefined();
    expect(insertShape('insert into "user" ("id", "email") values (?, ?)', ["u1"])).toBeUndefined();
    expect(insertShape('insert into "user" ("id") values (1)', [])).toBeUndefined();
  });
});

describe("tablesRead", () => {
  it("names every table a SELECT reads, in joins and subqueries too", () => {
    expect(tablesRead('select "primary".* from (select * from "user" where "user"."email" = ?) as "primary"')).toEqual(new Set(["user"]));
    expect(tablesRead('select * from "member" inner join "organization" on 1 where "id" in (select "id" from session)')).toEqual(new Set(["member", "organization", "session"]));
  });

  it("is undefined for anything that is not a read", () => {
    expect(tablesRead('update "user" set "name" = ?')).toBeUndefined();
    expect(tablesRead('with x as (select 1) delete from "user"')).toBeUndefined();
  });
});

describe("writeShape", () => {
  it("reads Drizzle's conditional UPDATE: the SET list, the WHERE with its subquery, which parameters are whose, the RETURNING list", () => {
    const sql =
      'update "team" set "member_count" = "team"."member_count" + ?, "updated_at" = ? where ("team"."id" = ? and "team"."id" in (select "id" from "team" where "team"."id" = ? limit ?)) returning "id", "member_count"';
    expect(writeShape(sql, [1, "now", "t1", "t1", 1])).toEqual({
      kind: "update",
      table: "team",
      assignments: [
        { column: "member_count", expression: '"team"."member_count" + ?' },
        { column: "updated_at", expression: "?" },
      ],
      where: '("team"."id" = ? and "team"."id" in (select "id" from "team" where "team"."id" = ? limit ?))',
      setParams: 2,
      returning: ["id", "member_count"],
    });
  });

  it("reads Kysely's DELETE ... RETURNING * and a DELETE without WHERE", () => {
    expect(writeShape('delete from "verification" where "verification"."id" = ? returning *', ["v1"])).toMatchObject({ kind: "delete", table: "verification", where: '"verification"."id" = ?', returning: "*" });
    expect(writeShape('delete from "session"', [])).toMatchObject({ kind: "delete", where: undefined });
  });

  it("keeps keywords inside strings and quoted names out of the split, and refuses what it cannot place", () => {
    expect(writeShape('update "user" set "name" = \'where returning\' where "id" = ?', ["u1"])?.where).toBe('"id" = ?');
    expect(writeShape('update "user" set "name" = ? where "id" = ?', ["x"])).toBeUndefined();
    expect(writeShape('update or replace "user" set "name" = ?', ["x"])).toBeUndefined();
    expect(writeShape('insert into "user" ("id") values (?)', ["u1"])).toBeUndefined();
  });
});
