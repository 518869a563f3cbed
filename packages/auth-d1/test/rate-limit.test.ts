/**
 * Rate limiting as deployed (an https BETTER_AUTH_URL, no NODE_ENV): on by default, counted in D1 and shared
 * by separate instances on one database, per IP and per account, 429 with Retry-After; reads cost nothing;
 * `checkRateLimit` gives app routes the same limits. docs/security.md, "Rate limits".
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createAuth as createDrizzleAuth } from "../src/drizzle.js";
import { createAuth as createKyselyAuth } from "../src/kysely.js";
import { checkRateLimit } from "../src/rate-limit/index.js";
import * as presets from "../src/presets/index.js";
import { passkey } from "../src/presets/passkey.js";
import { countingD1, rows, uniqueEmail } from "./support/index.js";

const DEPLOYED = "https://auth.example.com";
// Two Workers on one database: separate env objects build separate instances, one per adapter.
const mailed = { sendEmail: () => {} };
const first = createDrizzleAuth({ ...env, BETTER_AUTH_URL: DEPLOYED }, mailed);
const second = createKyselyAuth({ ...env, BETTER_AUTH_URL: DEPLOYED }, mailed);
const instances = [first, second];

interface Handler {
  handler(request: Request): Promise<Response>;
}

function post(auth: Handler, path: string, body: unknown, ip: string, headers: Record<string, string> = {}): Promise<Response> {
  return auth.handler(
    new Request(`${DEPLOYED}/api/auth${path}`, {
      method: "POST",
      headers: { origin: DEPLOYED, "content-type": "application/json", "cf-connecting-ip": ip, ...headers },
      body: JSON.stringify(body),
    }),
  );
}

/** A fresh address per call: the counters live in the shared D1. */
function newIP(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

const WRONG = { password: "not anybody's password" };

describe("rate limits on a deployed Worker", () => {
  it("refuse the 4th sign-in from one IP within 10 s, whichever of two instances answers, with 429 and Retry-After", async () => {
    const ip = newIP();
    for (const auth of [first, second, first]) expect((await post(auth, "/sign-in/email", { email: uniqueEmail("rl-ip"), ...WRONG }, ip)).status).toBe(401);
    const refused = await post(second, "/sign-in/email", { email: uniqueEmail("rl-ip"), ...WRONG }, ip);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(10);
    // Another client has its own counter.
    expect((await post(first, "/sign-in/email", { email: uniqueEmail("rl-ip"), ...WRONG }, newIP())).status).toBe(401);
  });

  it("refuse the 11th sign-in for one account within 5 minutes, from any IP and instance", async () => {
    const email = uniqueEmail("rl-account");
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await post(instances[attempt % 2]!, "/sign-in/email", { email, ...WRONG }, newIP())).status).toBe(401);
    }
    // Case and spaces do not make another account.
    const refused = await post(first, "/sign-in/email", { email: ` ${email.toUpperCase()}`, ...WRONG }, newIP());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // The counter holds a hash, not the address.
    expect(await rows("SELECT key FROM rate_limit WHERE key LIKE ?", `%${email}%`)).toEqual([]);
  });

  it("send at most 3 reset mails to one address per 15 minutes, whatever the IP", async () => {
    const email = uniqueEmail("rl-mail");
    const body = { email, redirectTo: "/reset" };
    for (let attempt = 0; attempt < 3; attempt++) expect((await post(instances[attempt % 2]!, "/request-password-reset", body, newIP())).status).toBe(200);
    expect((await post(second, "/request-password-reset", body, newIP())).status).toBe(429);
    // And the per-account counter is shared with verification mails to the same address.
    expect((await post(first, "/send-verification-email", { email }, newIP())).status).toBe(429);
  });

  it("refuse the 11th second-factor attempt within one pending sign-in, from any IP", async () => {
    const cookie = `__Secure-better-auth.two_factor=${crypto.randomUUID()}.signature`;
    const auth = createKyselyAuth({ ...env, BETTER_AUTH_URL: DEPLOYED }, { plugins: [presets.twoFactor()] });
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await post(auth, "/two-factor/verify-totp", { code: "123456" }, newIP(), { cookie })).status).toBe(401);
    }
    expect((await post(auth, "/two-factor/verify-totp", { code: "123456" }, newIP(), { cookie })).status).toBe(429);
  });

  it("cost one statement per limited request and nothing on get-session; a refused request with a made-up address adds no row", async () => {
    const db = countingD1(env.DB);
    const auth = createDrizzleAuth({ ...env, DB: db.binding, BETTER_AUTH_URL: DEPLOYED }, mailed);
    const ip = newIP();
    await auth.handler(new Request(`${DEPLOYED}/api/auth/get-session`, { headers: { "cf-connecting-ip": ip } })); // warm
    let from = db.roundTrips.length;
    expect((await auth.handler(new Request(`${DEPLOYED}/api/auth/get-session`, { headers: { "cf-connecting-ip": ip } }))).status).toBe(200);
    expect(db.roundTrips.slice(from).filter((sql) => sql.includes("rate_limit"))).toEqual([]);
    for (let attempt = 0; attempt < 3; attempt++) {
      from = db.roundTrips.length;
      await post(auth, "/request-password-reset", { email: uniqueEmail("rl-cost"), redirectTo: "/reset" }, ip);
      expect(db.roundTrips.slice(from).filter((sql) => sql.includes("rate_limit"))).toHaveLength(1);
    }
    const before = await rows("SELECT key FROM rate_limit WHERE key LIKE 'account:mail:%'");
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await post(auth, "/request-password-reset", { email: uniqueEmail("rl-junk"), redirectTo: "/reset" }, ip)).status).toBe(429);
    }
    expect(await rows("SELECT key FROM rate_limit WHERE key LIKE 'account:mail:%'")).toHaveLength(before.length);
  });

  it("bound the passkey challenges an anonymous client can store: 10 per minute per IP", async () => {
    const auth = createKyselyAuth({ ...env, BETTER_AUTH_URL: DEPLOYED }, { plugins: [passkey()] });
    const ip = newIP();
    const options = () => auth.handler(new Request(`${DEPLOYED}/api/auth/passkey/generate-authenticate-options`, { headers: { "cf-connecting-ip": ip } }));
    for (let attempt = 0; attempt < 10; attempt++) expect((await options()).status).toBe(200);
    expect((await options()).status).toBe(429);
  });

  it("are off with rateLimit.enabled: false, and on localhost", async () => {
    const off = createDrizzleAuth({ ...env, BETTER_AUTH_URL: DEPLOYED }, { ...mailed, rateLimit: { enabled: false } });
    const local = createDrizzleAuth(env, mailed); // BETTER_AUTH_URL is http://localhost:8787 in vitest.config.ts
    const ip = newIP();
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await post(off, "/request-password-reset", { email: uniqueEmail("rl-off"), redirectTo: "/reset" }, ip)).status).toBe(200);
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await local.handler(
        new Request("http://localhost:8787/api/auth/request-password-reset", {
          method: "POST",
          headers: { origin: "http://localhost:8787", "content-type": "application/json", "cf-connecting-ip": ip },
          body: JSON.stringify({ email: uniqueEmail("rl-local"), redirectTo: "/reset" }),
        }),
      );
      expect(res.status).toBe(200);
    }
    expect(await rows("SELECT key FROM rate_limit WHERE key LIKE ?", `ip:${ip}:%`)).toEqual([]);
  });

  it("apply to an app's own route through checkRateLimit, sharing the counters of auth.handler", async () => {
    const email = uniqueEmail("rl-app");
    const page = (ip: string) => new Request(`${DEPLOYED}/sign-in`, { method: "POST", headers: { "cf-connecting-ip": ip } });
    // Two page submissions (a form body, so the account is passed) and one API request for the same account
    for (let attempt = 0; attempt < 9; attempt++) expect(await checkRateLimit(first, page(newIP()), { path: "/sign-in/email", account: email })).toBeUndefined();
    expect((await post(second, "/sign-in/email", { email, ...WRONG }, newIP())).status).toBe(401);
    const refused = await checkRateLimit(second, page(newIP()), { path: "/sign-in/email", account: email });
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    // Per IP as well: the 4th from one address is refused whatever the account.
    const ip = newIP();
    for (let attempt = 0; attempt < 3; attempt++) expect(await checkRateLimit(first, page(ip), { path: "/sign-in/email", account: uniqueEmail("rl-app") })).toBeUndefined();
    expect((await checkRateLimit(first, page(ip), { path: "/sign-in/email", account: uniqueEmail("rl-app") }))?.status).toBe(429);
    // With rate limiting off it never refuses.
    const off = createDrizzleAuth({ ...env, BETTER_AUTH_URL: DEPLOYED }, { rateLimit: { enabled: false } });
    for (let attempt = 0; attempt < 4; attempt++) expect(await checkRateLimit(off, page(ip), { path: "/sign-in/email", account: email })).toBeUndefined();
  });
});

describe("rate limits counted in a Workers Rate Limiting binding (rateLimitBinding)", () => {
  // TEST_RATE_LIMIT allows 3 requests per key per minute.
  const bound = { ...env, BETTER_AUTH_URL: DEPLOYED };
  const options = { ...mailed, rateLimitBinding: "TEST_RATE_LIMIT" };

  it("refuses the 4th sign-in from one IP with 429 and Retry-After, and sends no statement to D1 for the limit", async () => {
    for (const createAuth of [createDrizzleAuth, createKyselyAuth]) {
      const db = countingD1(env.DB);
      const counted = createAuth({ ...bound, DB: db.binding }, options);
      const ip = newIP();
      for (let attempt = 0; attempt < 3; attempt++) expect((await post(counted, "/sign-in/email", { email: uniqueEmail("rl-binding"), ...WRONG }, ip)).status).toBe(401);
      const refused = await post(counted, "/sign-in/email", { email: uniqueEmail("rl-binding"), ...WRONG }, ip);
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ code: "TOO_MANY_REQUESTS" });
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(db.statements.filter((sql) => /rate_limit/i.test(sql))).toEqual([]);
      // Another client has its own key.
      expect((await post(counted, "/sign-in/email", { email: uniqueEmail("rl-binding"), ...WRONG }, newIP())).status).toBe(401);
    }
  });

  it("fails at start-up with RATE_LIMIT_BINDING_INVALID when the name is not a Rate Limiting binding", () => {
    expect(() => createDrizzleAuth(bound, { ...mailed, rateLimitBinding: "NO_SUCH_BINDING" })).toThrow(expect.objectContaining({ code: "RATE_LIMIT_BINDING_INVALID" }));
    expect(() => createKyselyAuth(bound, { ...mailed, rateLimitBinding: "BETTER_AUTH_SECRET" })).toThrow(/not a Workers Rate Limiting binding/);
  });
});
