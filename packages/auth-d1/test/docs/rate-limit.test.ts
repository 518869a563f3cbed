/**
 * docs/security.md, "Rate limits": createAuth's limiter is off where the Worker serves localhost (as here,
 * BETTER_AUTH_URL is http://localhost:8787) unless `rateLimit.enabled` is true; it keeps its counters in D1
 * (`rate_limit`), keyed by the client IP from `cf-connecting-ip`. It runs on HTTP requests (auth.handler),
 * not on auth.api calls. test/rate-limit.test.ts covers a deployed Worker.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createAuth } from "../../src/kysely.js";
import { authPost, uniqueEmail } from "../support/index.js";

const enabled = { rateLimit: { enabled: true } };

function signIn(auth: { handler(request: Request): Promise<Response> }, ip: string): Promise<Response> {
  const body = JSON.stringify({ email: uniqueEmail("nobody"), password: "not anybody's password" });
  return auth.handler(authPost("/sign-in/email", body, { "cf-connecting-ip": ip }));
}

async function counters(ip: string): Promise<Array<{ key: string; count: number }>> {
  return (await env.DB.prepare("SELECT key, count FROM rate_limit WHERE key LIKE ?").bind(`%${ip}%`).all<{ key: string; count: number }>()).results;
}

/** A fresh address per test: the counters live in the shared D1. */
function ip(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

describe("rate limits", () => {
  it("are off by default here, where the Worker serves localhost", async () => {
    const auth = createAuth(env);
    const address = ip();
    for (let attempt = 0; attempt < 5; attempt++) expect((await signIn(auth, address)).status).toBe(401);
    expect(await counters(address)).toEqual([]);
  });

  it("with rateLimit.enabled, allow 3 sign-in attempts per 10 s per IP, counted in D1, then answer 429", async () => {
    const auth = createAuth(env, enabled);
    const address = ip();
    for (let attempt = 0; attempt < 3; attempt++) expect((await signIn(auth, address)).status).toBe(401);
    expect(await counters(address)).toEqual([{ key: `ip:${address}:sign-in`, count: 3 }]);

    const refused = await signIn(auth, address);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another client IP has its own counter.
    expect((await signIn(auth, ip())).status).toBe(401);
  });

  it("do not apply to auth.api calls made by your own code", async () => {
    const auth = createAuth(env, enabled);
    const address = ip();
    const headers = new Headers({ "cf-connecting-ip": address });
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(auth.api.signInEmail({ body: { email: uniqueEmail("nobody"), password: "not anybody's password" }, headers })).rejects.toMatchObject({ statusCode: 401 });
    }
    expect(await counters(address)).toEqual([]);
  });
});
