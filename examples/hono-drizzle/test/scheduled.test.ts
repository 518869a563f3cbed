import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import worker from "../src/index.js";

const PAST = "2020-01-01T00:00:00.000Z";

it("deletes expired rows when the hourly Cron Trigger in wrangler.jsonc fires", async () => {
  const expired = `expired-${crypto.randomUUID()}`;
  const fresh = `fresh-${crypto.randomUUID()}`;
  const future = new Date(Date.now() + 60_000).toISOString();
  const insert = "INSERT INTO verification (id, identifier, value, expires_at, created_at, updated_at) VALUES (?, ?, 'x', ?, ?, ?)";
  await env.DB.batch([env.DB.prepare(insert).bind(expired, expired, PAST, PAST, PAST), env.DB.prepare(insert).bind(fresh, fresh, future, PAST, PAST)]);

  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "0 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);

  expect(await env.DB.prepare("SELECT id FROM verification WHERE id IN (?, ?)").bind(expired, fresh).all()).toMatchObject({ results: [{ id: fresh }] });
});
