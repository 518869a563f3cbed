import { describe, expect, it } from "vitest";
import { classify, type SelectStatement } from "../sql/classify.js";
import { heldWrite } from "./answers.js";
import { ReadSet } from "./read-set.js";
import { WriteSet } from "./write-set.js";

const catalog = new Map([["session", { columns: ["id", "token", "user_id"], unique: ["token"] }]]);
const plain = (sql: string) => (classify(sql) as SelectStatement).plain;

describe("ReadSet", () => {
  it("knows the row a write by a unique key changes when the unit read it whole, with the write's new values", () => {
    const reads = new ReadSet();
    reads.remember(plain('select * from "session" where "session"."user_id" = ?'), ["u1"], [{ id: "s1", token: "t1", user_id: "u1" }], catalog);
    const write = heldWrite(classify('update "session" set "user_id" = ? where "session"."token" = ? returning *'), ["u2", "t1"])!;
    expect(reads.knownRows(write, ["u2", "t1"], new WriteSet(), catalog)).toEqual([{ before: { id: "s1", token: "t1", user_id: "u1" }, values: ["u2"] }]);
  });

  it("knows every row a write by a non-unique key changes only after a read with the very same WHERE", () => {
    const reads = new ReadSet();
    const write = heldWrite(classify('delete from "session" where "session"."user_id" = ?'), ["u1"])!;
    expect(reads.knownRows(write, ["u1"], new WriteSet(), catalog)).toBeUndefined();
    reads.remember(plain('select * from "session" where "session"."user_id" = ?'), ["u1"], [{ id: "s1", token: "t1", user_id: "u1" }, { id: "s2", token: "t2", user_id: "u1" }], catalog);
    expect(reads.knownRows(write, ["u1"], new WriteSet(), catalog)?.map((row) => row.before.id)).toEqual(["s1", "s2"]);
  });

  it("does not trust a row read with some of its columns, an expression in SET, or anything after a flush", () => {
    const reads = new ReadSet();
    reads.remember(plain('select "id", "token" from "session" where "session"."token" = ?'), ["t1"], [{ id: "s1", token: "t1" }], catalog);
    const write = heldWrite(classify('delete from "session" where "session"."token" = ?'), ["t1"])!;
    expect(reads.knownRows(write, ["t1"], new WriteSet(), catalog)).toBeUndefined();
    reads.remember(plain('select * from "session" where "session"."token" = ?'), ["t1"], [{ id: "s1", token: "t1", user_id: "u1" }], catalog);
    expect(reads.knownRows(write, ["t1"], new WriteSet(), catalog)).toHaveLength(1);
    const computed = heldWrite(classify('update "session" set "user_id" = lower(?) where "session"."token" = ?'), ["U", "t1"])!;
    expect(reads.knownRows(computed, ["U", "t1"], new WriteSet(), catalog)).toBeUndefined();
    reads.clear();
    expect(reads.knownRows(write, ["t1"], new WriteSet(), catalog)).toBeUndefined();
  });
});
