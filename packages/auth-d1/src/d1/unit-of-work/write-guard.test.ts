import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { isWriteConflict, WRITE_GUARD } from "./write-guard.js";

describe("the write guard", () => {
  it("lets a batch through when the write changed as many rows as the flow was answered with", async () => {
    const id = crypto.randomUUID();
    const results = await env.DB.batch([
      env.DB.prepare("INSERT INTO verification (id, identifier, value, expires_at, created_at, updated_at) VALUES (?, 'guard', 'v', '2099-01-01', '2026-01-01', '2026-01-01')").bind(id),
      env.DB.prepare(WRITE_GUARD).bind(1),
    ]);
    expect(results).toHaveLength(2);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM verification WHERE id = ?").bind(id).first("n")).toBe(1);
  });

  it("fails the whole batch, as a write conflict, when it changed another number of rows", async () => {
    const id = crypto.randomUUID();
    const failed = await env.DB.batch([
      env.DB.prepare("INSERT INTO verification (id, identifier, value, expires_at, created_at, updated_at) VALUES (?, 'guard', 'v', '2099-01-01', '2026-01-01', '2026-01-01')").bind(id),
      env.DB.prepare("DELETE FROM verification WHERE id = ?").bind("someone-else"),
      env.DB.prepare(WRITE_GUARD).bind(1),
    ]).catch((error: unknown) => error);
    expect(isWriteConflict(failed)).toBe(true);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM verification WHERE id = ?").bind(id).first("n")).toBe(0);
  });

  it("is told from other errors", () => {
    expect(isWriteConflict(new Error("D1_ERROR: UNIQUE constraint failed: user.email"))).toBe(false);
  });
});
