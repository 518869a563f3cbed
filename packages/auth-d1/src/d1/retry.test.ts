import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { faultyD1 } from "../../test/support/faulty-d1.js";
import { isTransientD1Error, retryingReads } from "./retry.js";

const LOST = "D1_ERROR: Network connection lost.";

describe("retryingReads on D1", () => {
  it("sends a read that failed with a transient error again, and answers with the retry's rows", async () => {
    const faulty = faultyD1(env.DB, { failCall: 1, message: LOST });
    const row = await (retryingReads(faulty.binding).prepare("SELECT 1 AS one") as D1PreparedStatement).first();
    expect(row).toEqual({ one: 1 });
    expect(faulty.calls).toEqual(["SELECT 1 AS one", "SELECT 1 AS one"]);
  });

  it("gives up after three tries", async () => {
    // A binding whose every read fails with a transient error.
    let tries = 0;
    const always = {
      prepare: (sql: string) => ({
        bind: () => always.prepare(sql),
        all: async () => {
          tries += 1;
          throw new Error(LOST);
        },
      }),
    };
    await expect((retryingReads(always as never).prepare("SELECT 1") as D1PreparedStatement).all()).rejects.toThrow(LOST);
    expect(tries).toBe(3);
  });

  it("does not retry a read that failed with any other error", async () => {
    const faulty = faultyD1(env.DB, { failCall: 1, message: "D1_ERROR: no such table: nowhere" });
    await expect((retryingReads(faulty.binding).prepare("SELECT 1 AS one") as D1PreparedStatement).all()).rejects.toThrow("no such table");
    expect(faulty.calls).toHaveLength(1);
  });

  it("never sends a write or a batch twice, even after a transient error (its answer may have been lost after it committed)", async () => {
    const id = crypto.randomUUID();
    const insert = `INSERT INTO verification (id, identifier, value, expires_at, created_at, updated_at) VALUES (?, 'retry', 'v', '2999-01-01', '2026-01-01', '2026-01-01')`;
    const faulty = faultyD1(env.DB, { failCall: 1, message: LOST });
    const d1 = retryingReads(faulty.binding);
    await expect((d1.prepare(insert) as D1PreparedStatement).bind(id).run()).rejects.toThrow(LOST);
    faulty.arm({ failCall: 1, message: LOST });
    await expect(d1.batch([(d1.prepare(insert) as D1PreparedStatement).bind(id)])).rejects.toThrow(LOST);
    expect(faulty.calls).toEqual(["batch of 1"]);
    faulty.arm({});
    // Unfaulted, the batch reaches D1 through the wrapper (its statements unwrapped for D1's own batch()).
    await d1.batch([(d1.prepare(insert) as D1PreparedStatement).bind(id)]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM verification WHERE id = ?").bind(id).first("n")).toBe(1);
  });

  it("knows the errors Cloudflare documents as retryable, and only those", () => {
    expect(isTransientD1Error(new Error(LOST))).toBe(true);
    expect(isTransientD1Error(new Error("D1_ERROR: Internal error while starting up D1 DB storage caused object to be reset."))).toBe(true);
    expect(isTransientD1Error(new Error("D1_ERROR: D1 DB reset because its code was updated."))).toBe(true);
    expect(isTransientD1Error(new Error("query failed", { cause: new Error(LOST) }))).toBe(true);
    expect(isTransientD1Error(new Error("D1_ERROR: UNIQUE constraint failed: user.email"))).toBe(false);
  });
});
