import { describe, expect, it } from "vitest";
import { WriteSet } from "./write-set.js";

describe("WriteSet", () => {
  it("holds inserts with their rows, knows the ids it made up, and marks the first insert for the commit", () => {
    const writes = new WriteSet();
    expect(writes.holdsRows).toBe(false);
    writes.holdInsert("user", new Map([["id", "u1"]]), "insert user");
    writes.holdInsert("session", new Map<string, unknown>([["id", "s1"], ["user_id", "u1"]]), "insert session");
    expect(writes.holdsRows).toBe(true);
    expect(writes.isFresh("u1")).toBe(true);
    expect(writes.isFresh("someone")).toBe(false);
    expect(writes.get("session")?.rows).toEqual([new Map<string, unknown>([["id", "s1"], ["user_id", "u1"]])]);
    expect(writes.take()).toEqual({ pending: ["insert user", "insert session"], marker: { table: "user", id: "u1" } });
    expect(writes.holdsRows).toBe(false);
    expect(writes.take()).toEqual({ pending: [], marker: undefined });
  });

  it("has no marker when the first held statement is not an insert with an id", () => {
    const writes = new WriteSet();
    writes.holdStatement("a guard");
    writes.holdInsert("user", new Map([["id", "u1"]]), "insert user");
    expect(writes.take().marker).toBeUndefined();
  });

  it("shows an update's rows changed and hides the stored ones; a delete hides them and holds nothing in their place", () => {
    const writes = new WriteSet();
    const after = writes.holdChange("user", { kind: "update", columns: ["name"] }, [{ before: { id: "u1", name: "Ada" }, values: ["Grace"] }], ["update", "guard"]);
    expect(after).toEqual([{ id: "u1", name: "Grace" }]);
    writes.holdChange("session", { kind: "delete", columns: [] }, [{ before: { id: "s1" }, values: [] }], ["delete"]);
    expect(writes.get("user")).toEqual({ rows: [new Map([["id", "u1"], ["name", "Grace"]])], hidden: new Set(["u1"]) });
    expect(writes.get("session")).toEqual({ rows: [], hidden: new Set(["s1"]) });
    expect(writes.take().pending).toEqual(["update", "guard", "delete"]);
  });

  it("replaces its own held row when a later write changes it again", () => {
    const writes = new WriteSet();
    writes.holdInsert("user", new Map([["id", "u1"], ["name", "Ada"]]), "insert");
    writes.holdChange("user", { kind: "update", columns: ["name"] }, [{ before: { id: "u1", name: "Ada" }, values: ["Grace"] }], ["update"]);
    expect(writes.get("user")?.rows).toEqual([new Map([["id", "u1"], ["name", "Grace"]])]);
  });
});
