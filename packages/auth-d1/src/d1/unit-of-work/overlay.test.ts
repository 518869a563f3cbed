import { describe, expect, it } from "vitest";
import { classify } from "../sql/classify.js";
import { overlaid } from "./overlay.js";
import { WriteSet } from "./write-set.js";

const catalog = new Map([["user", { columns: ["id", "email"], unique: ["email"] }]]);

describe("overlaid", () => {
  it("leaves a read of tables the unit holds nothing of as it is", () => {
    expect(overlaid('select * from "user"', [1], new Set(["user"]), new WriteSet(), catalog)).toEqual({ sql: 'select * from "user"', params: [1] });
  });

  it("shadows each table it holds rows of with its stored rows, less the hidden ones, plus its own; the classifier reads it back as a read of that table", () => {
    const writes = new WriteSet();
    writes.holdInsert("user", new Map([["id", "u2"], ["email", "b@example.com"]]), "insert");
    writes.holdChange("user", { kind: "delete", columns: [] }, [{ before: { id: "u1" }, values: [] }], ["delete"]);
    const read = overlaid('select "email" from "user" where "id" = ?', ["u2"], new Set(["user"]), writes, catalog)!;
    expect(read).toEqual({
      sql: 'WITH "user"("id", "email") AS (SELECT "id", "email" FROM main."user" WHERE "id" NOT IN (?) UNION ALL VALUES (?, ?)) select "email" from "user" where "id" = ?',
      params: ["u1", "u2", "b@example.com", "u2"],
    });
    expect(classify(read.sql)).toMatchObject({ kind: "select", tables: new Set(["user"]) });
  });

  it("cannot show held rows to a read of no table, or past D1's 100 parameters: only a flush can", () => {
    const writes = new WriteSet();
    for (let i = 0; i < 50; i++) writes.holdInsert("user", new Map([["id", `u${i}`], ["email", `${i}@example.com`]]), "insert");
    expect(overlaid("select 1", [], new Set(), writes, catalog)).toBeUndefined();
    expect(overlaid('select * from "user" where "id" = ?', ["u1"], new Set(["user"]), writes, catalog)).toBeUndefined();
  });
});
