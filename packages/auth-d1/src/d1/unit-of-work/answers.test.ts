import { describe, expect, it } from "vitest";
import { classify, type SelectStatement } from "../sql/classify.js";
import { heldAnswer, heldWrite, insertedRow, rebuiltRow } from "./answers.js";
import { WriteSet } from "./write-set.js";

const catalog = new Map([["session", { columns: ["id", "token", "user_id", "active"], unique: ["token"] }]]);
const select = (sql: string) => classify(sql) as SelectStatement;

describe("the unit's answers", () => {
  it("rebuild an INSERT's returned row from its bound values, as D1 stores them", () => {
    const insert = insertedRow(classify('insert into "session" ("id", "token", "user_id", "active") values (?, ?, ?, ?) returning *'), ["s1", "t1", "u1", true])!;
    expect(insert.row).toEqual(new Map<string, unknown>([["id", "s1"], ["token", "t1"], ["user_id", "u1"], ["active", 1]]));
    expect(rebuiltRow(insert, catalog)).toEqual({ id: "s1", token: "t1", user_id: "u1", active: 1 });
    expect(insertedRow(classify('insert into "session" ("id") values (?)'), [])).toBeUndefined();
  });

  it("cannot rebuild a returned column D1 would compute", () => {
    const insert = insertedRow(classify('insert into "session" ("token") values (?) returning "id"'), ["t1"])!;
    expect(rebuiltRow(insert, catalog)).toBeUndefined();
  });

  it("hold an UPDATE or DELETE with a WHERE whose parameters match it, and nothing else", () => {
    expect(heldWrite(classify('update "session" set "active" = ? where "id" = ?'), [0, "s1"])).toMatchObject({ kind: "update", setParams: 1, equalities: ["id"] });
    expect(heldWrite(classify('delete from "session" where "id" = ?'), ["s1"])).toMatchObject({ kind: "delete", assignments: [] });
    expect(heldWrite(classify('delete from "session"'), [])).toBeUndefined();
    expect(heldWrite(classify('delete from "session" where "id" = ?'), [])).toBeUndefined();
  });

  it("answer a read keyed by an id the unit made up, or by a row it deleted, from what it holds; any other read goes to D1", () => {
    const writes = new WriteSet();
    writes.holdInsert("session", new Map<string, unknown>([["id", "s1"], ["token", "t1"], ["user_id", "u1"], ["active", 1]]), "insert");
    writes.holdChange("session", { kind: "delete", columns: [] }, [{ before: { id: "s0" }, values: [] }], ["delete"]);
    expect(heldAnswer(select('select "token" from "session" where "session"."id" = ?'), ["s1"], writes, catalog)).toEqual({ columns: ["token"], rows: [["t1"]] });
    expect(heldAnswer(select('select count(*) from "session" where "session"."id" = ?'), ["s0"], writes, catalog)).toEqual({ columns: ["count(*)"], rows: [[0]] });
    expect(heldAnswer(select('select * from "session" where "session"."id" = ?'), ["stored"], writes, catalog)).toBeUndefined();
    expect(heldAnswer(select('select * from "session" where "session"."id" = ? order by "token"'), ["s1"], writes, catalog)).toBeUndefined();
  });
});
