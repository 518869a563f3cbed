/**
 * docs/security.md, "CPU time": what password hashing costs. Prints the time per request for 20 sign-ups,
 * 20 sign-ins and 20 session reads through auth.handler, for 20 bare scrypt hashes, and for the two
 * requests of 20 passwordless sign-ins each way (magic link, email code; docs/email.md), measured inside
 * local workerd on a real local D1. Local workerd enforces no CPU limit and its clock is wall time, so these
 * are an indication of the cost, not what Cloudflare bills. It asserts only that the requests succeed.
 *
 * Run alone: npx vitest run --project auth-d1:workerd test/docs/cpu-cost.test.ts
 */
import { env } from "cloudflare:test";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { describe, expect, it } from "vitest";
import { createAuth } from "../../src/drizzle.js";
import type { AuthEmail } from "../../src/mail.js";
import * as presets from "../../src/presets/index.js";
import { lastMailTo, PASSWORD, TestClient, uniqueEmail } from "../support/index.js";

const RUNS = 20;

async function timed(label: string, run: (index: number) => Promise<void>): Promise<number> {
  const start = performance.now();
  for (let index = 0; index < RUNS; index++) await run(index);
  const perRun = (performance.now() - start) / RUNS;
  console.log(`[cpu-cost] ${label}: ${perRun.toFixed(1)} ms each (${RUNS} runs)`);
  return perRun;
}

describe("CPU cost of password hashing in workerd", () => {
  it(`times ${RUNS} of each`, async () => {
    const auth = createAuth(env);
    const emails = Array.from({ length: RUNS }, () => uniqueEmail("bench"));
    const clients = emails.map(() => new TestClient(auth));
    // The first request builds better-auth's context; keep it out of the numbers.
    await new TestClient(auth).get("/get-session");

    const hash = await hashPassword(PASSWORD);
    await timed("scrypt hash (better-auth/crypto hashPassword)", async () => void (await hashPassword(PASSWORD)));
    await timed("scrypt verify (verifyPassword)", async () => expect(await verifyPassword({ hash, password: PASSWORD })).toBe(true));
    await timed("POST /sign-up/email", async (index) => {
      expect((await clients[index]!.post("/sign-up/email", { email: emails[index], password: PASSWORD, name: "Bench" })).status).toBe(200);
    });
    await timed("POST /sign-in/email", async (index) => {
      expect((await new TestClient(auth).post("/sign-in/email", { email: emails[index], password: PASSWORD })).status).toBe(200);
    });
    await timed("GET /get-session (no hashing)", async (index) => {
      expect((await clients[index]!.get("/get-session")).body.user.email).toBe(emails[index]);
    });
  }, 120_000);

  it(`times ${RUNS} passwordless sign-ins each way (mail kept in memory, not sent)`, async () => {
    const outbox: AuthEmail[] = [];
    const auth = createAuth(env, { sendEmail: (mail: AuthEmail) => void outbox.push(mail), plugins: [presets.magicLink(), presets.emailOTP()] });
    const emails = Array.from({ length: RUNS }, () => uniqueEmail("bench-passwordless"));
    await new TestClient(auth).get("/get-session");

    await timed("POST /sign-in/magic-link (a token hashed and stored)", async (index) => {
      expect((await new TestClient(auth).post("/sign-in/magic-link", { email: emails[index] })).status).toBe(200);
    });
    await timed("GET /magic-link/verify (sign-up and a session)", async (index) => {
      const { url } = lastMailTo(outbox, emails[index]!, "magic-link");
      const client = new TestClient(auth);
      // Signed in, then sent on to the link's callbackURL.
      expect((await client.get(url.slice(url.indexOf("/api/auth") + "/api/auth".length))).status).toBe(302);
      expect(client.sessionCookie).toBeDefined();
    });
    await timed("POST /email-otp/send-verification-otp (a code hashed and stored)", async (index) => {
      expect((await new TestClient(auth).post("/email-otp/send-verification-otp", { email: emails[index], type: "sign-in" })).status).toBe(200);
    });
    await timed("POST /sign-in/email-otp (a session)", async (index) => {
      const { otp } = lastMailTo(outbox, emails[index]!, "email-otp");
      expect((await new TestClient(auth).post("/sign-in/email-otp", { email: emails[index], otp })).status).toBe(200);
    });
  }, 120_000);
});
