import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index.js";
import { cookiesFrom, ORIGIN, PASSWORD, uniqueEmail } from "./support.js";
import { captureMailLog } from "./worker.js";

captureMailLog();

/** The Worker with `AUTH_READ_REPLICATION=true`, as the var in wrangler.jsonc or .dev.vars would set it. */
const replicated = { ...env, AUTH_READ_REPLICATION: "true" };

async function fetchReplicated(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("origin", ORIGIN);
  return worker.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers, redirect: "manual" }), replicated, createExecutionContext());
}

describe("AUTH_READ_REPLICATION=true", () => {
  it("answers with a bookmark cookie, and the session reads back through /api/me with it", async () => {
    const email = uniqueEmail("replicas");
    const res = await fetchReplicated("/api/auth/sign-up/email", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: PASSWORD, name: "Ada" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().some((line) => line.startsWith("better-auth.d1_bookmark="))).toBe(true);
    expect(res.headers.get("x-d1-bookmark")).toMatch(/.+\..+/);
    const me = await fetchReplicated("/api/me", { headers: { cookie: cookiesFrom(res) } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(email);
  });
});
