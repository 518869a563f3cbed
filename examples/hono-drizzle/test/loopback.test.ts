import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { authFor } from "../src/auth.js";
import app from "../src/index.js";
import { ORIGIN, PASSWORD, sessionCookie, textOf, uniqueEmail } from "./support.js";
import { captureMailLog, signUp } from "./worker.js";

captureMailLog();

/** What wrangler's `Ready on ...` banner shows: the same local server as ORIGIN, by IP address. */
const LOOPBACK = "http://127.0.0.1:8787";
const DEPLOYED = "https://auth.example.com";

interface Send {
  method?: string;
  origin?: string;
  cookie?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

function request(url: string, init: Send = {}): Request {
  const headers = new Headers(init.headers);
  if (init.origin !== undefined) headers.set("origin", init.origin);
  if (init.cookie !== undefined) headers.set("cookie", init.cookie);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Request(url, { method: init.method ?? "GET", headers, body, redirect: "manual" });
}

/** The Worker under test, with BETTER_AUTH_URL=http://localhost:8787 as in vitest.config.ts. */
function local(url: string, init?: Send): Promise<Response> {
  return exports.default.fetch(request(url, init));
}

/** The same Worker as deployed: BETTER_AUTH_URL is a real https domain. */
async function deployed(url: string, init?: Send): Promise<Response> {
  return app.fetch(request(url, init), { ...env, BETTER_AUTH_URL: DEPLOYED }, createExecutionContext());
}

describe("pages opened on 127.0.0.1 in local development", () => {
  it("redirect to the same path and query on localhost", async () => {
    const res = await local(`${LOOPBACK}/sign-in?next=%2Forganizations&notice=signed-out`);

    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${ORIGIN}/sign-in?next=%2Forganizations&notice=signed-out`);
  });

  it("redirect a HEAD and the IPv6 loopback too", async () => {
    const head = await local(`${LOOPBACK}/`, { method: "HEAD" });
    const ipv6 = await local("http://[::1]:8787/sign-up");

    expect(head.status).toBe(302);
    expect(head.headers.get("location")).toBe(`${ORIGIN}/`);
    expect(ipv6.status).toBe(302);
    expect(ipv6.headers.get("location")).toBe(`${ORIGIN}/sign-up`);
  });

  it("are served as they are on localhost itself, and the start page says why they live there", async () => {
    const res = await local(`${ORIGIN}/`);

    expect(res.status).toBe(200);
    expect(textOf(await res.text(), "local-origin")).toContain(`pages live on ${ORIGIN}: browsers allow passkeys on localhost but not on an IP address`);
  });

  it("are left alone on another port, which is not the same server", async () => {
    const res = await local("http://127.0.0.1:9999/sign-in");

    expect(res.status).toBe(200);
  });
});

describe("a spoofed Host", () => {
  it("never chooses where the redirect goes: that is always BETTER_AUTH_URL's origin", async () => {
    const res = await local(`${LOOPBACK}/profile`, { headers: { host: "evil.example", "x-forwarded-host": "evil.example" } });

    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${ORIGIN}/profile`);
  });

  it("keeps a path that looks like another host a path on localhost", async () => {
    const res = await local(`${LOOPBACK}//evil.example/sign-in`);

    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!);
    expect(location.origin).toBe(ORIGIN);
    expect(location.pathname).toBe("//evil.example/sign-in");
  });

  it("that is no loopback address gets the page, not a redirect", async () => {
    const res = await local("http://evil.example/sign-in", { headers: { host: "127.0.0.1:8787" } });

    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBeNull();
  });
});

describe("API calls on 127.0.0.1 in local development", () => {
  it("are answered where they are, not redirected", async () => {
    const res = await local(`${LOOPBACK}/api/auth/get-session`);

    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBeNull();
  });

  it("are trusted from 127.0.0.1 at the same port, by the Worker and by better-auth: sign up, then sign out with the cookie", async () => {
    const email = uniqueEmail();
    const signUp = await local(`${LOOPBACK}/api/auth/sign-up/email`, { method: "POST", origin: LOOPBACK, body: { email, password: PASSWORD, name: "Ada" } });
    expect(signUp.status).toBe(200);

    // With a cookie, better-auth checks Origin against its trusted origins as well.
    const signOut = await local(`${LOOPBACK}/api/auth/sign-out`, { method: "POST", origin: LOOPBACK, cookie: sessionCookie(signUp), body: {} });

    expect(signOut.status).toBe(200);
    expect(await signOut.json()).toEqual({ success: true });
  });

  it("are refused from 127.0.0.1 at another port", async () => {
    const res = await local(`${LOOPBACK}/api/auth/sign-up/email`, {
      method: "POST",
      origin: "http://127.0.0.1:5173",
      body: { email: uniqueEmail(), password: PASSWORD, name: "Eve" },
    });

    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "ORIGIN_NOT_ALLOWED" });
  });
});

describe("a deployed Worker (BETTER_AUTH_URL on https)", () => {
  it("redirects nothing, whatever the host", async () => {
    for (const url of [`${LOOPBACK}/sign-in?next=%2Fprofile`, `${DEPLOYED}/sign-in`, "http://[::1]:8787/"]) {
      const res = await deployed(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get("location"), url).toBeNull();
    }
  });

  it("does not say that pages live on localhost", async () => {
    const res = await deployed(`${DEPLOYED}/`);

    expect(await res.text()).not.toContain('data-testid="local-origin"');
  });

  it("does not trust 127.0.0.1: the Worker refuses the call", async () => {
    const res = await deployed(`${DEPLOYED}/api/auth/sign-up/email`, {
      method: "POST",
      origin: LOOPBACK,
      body: { email: uniqueEmail(), password: PASSWORD, name: "Eve" },
    });

    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "ORIGIN_NOT_ALLOWED" });
  });

  it("does not trust 127.0.0.1: nor does better-auth on its own", async () => {
    const cookie = await signUp(uniqueEmail());
    const auth = authFor({ ...env, BETTER_AUTH_URL: DEPLOYED });
    // better-auth logs the refusal; the test output need not show it.
    vi.spyOn(console, "error").mockImplementation(() => {});

    const res = await auth.handler(request(`${DEPLOYED}/api/auth/sign-out`, { method: "POST", origin: LOOPBACK, cookie, body: {} }));

    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "INVALID_ORIGIN" });
  });
});
