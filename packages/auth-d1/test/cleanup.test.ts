/**
 * deleteExpiredRows, the cleanup a Cron Trigger runs: expired sessions and verification rows written
 * through either adapter, and stale rate-limit counters, go in bounded batches; live rows stay.
 * docs/security.md, "Expired rows".
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deleteExpiredRows } from "../src/cleanup.js";
import { adapters, one, rows, signedUp } from "./support/index.js";

const PAST = "2020-01-01T00:00:00.000Z";

describe("deleteExpiredRows", () => {
  it("deletes expired sessions and verifications from both adapters and stale counters, in bounded batches, and keeps live rows", async () => {
    const expired: Array<{ session: string; verification: string }> = [];
    const live: string[] = [];
    for (const { name, createAuth, options } of adapters) {
      const auth = createAuth(env, options);
      const user = await signedUp(auth, `${name}-cleanup`);
      expect((await user.client.post("/request-password-reset", { email: user.email, redirectTo: "/reset" })).status).toBe(200);
      const session = (await one<{ id: string }>("SELECT id FROM session WHERE user_id = ?", user.userId))!.id;
      const verification = (await one<{ id: string }>("SELECT id FROM verification WHERE value = ?", user.userId))!.id;
      await env.DB.batch([
        env.DB.prepare("UPDATE session SET expires_at = ? WHERE id = ?").bind(PAST, session),
        env.DB.prepare("UPDATE verification SET expires_at = ? WHERE id = ?").bind(PAST, verification),
      ]);
      expired.push({ session, verification });
      live.push((await signedUp(auth, `${name}-cleanup-live`)).userId);
    }
    const day = 24 * 60 * 60 * 1000;
    await env.DB.batch([
      env.DB.prepare("INSERT INTO rate_limit (id, key, count, last_request) VALUES ('stale-1', 'cleanup:stale-1', 3, ?)").bind(Date.now() - 2 * day),
      env.DB.prepare("INSERT INTO rate_limit (id, key, count, last_request) VALUES ('stale-2', 'cleanup:stale-2', 3, ?)").bind(Date.now() - 2 * day),
      env.DB.prepare("INSERT INTO rate_limit (id, key, count, last_request) VALUES ('fresh', 'cleanup:fresh', 3, ?)").bind(Date.now()),
    ]);

    // One batch of one row per table: bounded, and it says more is left.
    const first = await deleteExpiredRows(env, { batchSize: 1, maxBatches: 1 });
    expect(first).toEqual({ session: 1, verification: 1, rateLimit: 1, more: true });

    const rest = await deleteExpiredRows(env, { batchSize: 1 });
    expect(rest.more).toBe(false);
    for (const { session, verification } of expired) {
      expect(await one("SELECT id FROM session WHERE id = ?", session)).toBeUndefined();
      expect(await one("SELECT id FROM verification WHERE id = ?", verification)).toBeUndefined();
    }
    expect(await rows("SELECT id FROM rate_limit WHERE key LIKE 'cleanup:%'")).toEqual([{ id: "fresh" }]);
    for (const userId of live) expect(await rows("SELECT id FROM session WHERE user_id = ?", userId)).toHaveLength(1);
  });
});
