import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authFor } from "../src/auth.js";
import { PASSWORD, sessionCookie, SPA_ORIGIN, uniqueEmail } from "./support.js";
import { call, captureMailLog, signUp } from "./worker.js";

captureMailLog();

const UNTRUSTED = "https://evil.example";

function preflight(origin: string): Promise<Response> {
  return call("/api/auth/sign-in/email", {
    method: "OPTIONS",
    origin,
    headers: { "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
  });
}

describe("CORS for TRUSTED_ORIGINS", () => {
  it("answers a preflight from a trusted origin with that origin, credentials, methods and content-type", async () => {
    const res = await preflight(SPA_ORIGIN);

    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(SPA_ORIGIN);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-methods")?.split(",")).toEqual(expect.arrayContaining(["GET", "POST"]));
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase().split(",")).toContain("content-type");
    expect(res.headers.get("vary")).toContain("Origin");
  });

  it("gives a preflight from another origin no Access-Control-Allow-Origin", async () => {
    const res = await preflight(UNTRUSTED);

    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets a trusted origin sign in with credentials and use the cookie for get-session and /api/me", async () => {
    const email = uniqueEmail();
    await signUp(email);

    const signIn = await call("/api/auth/sign-in/email", { method: "POST", origin: SPA_ORIGIN, body: JSON.stringify({ email, password: PASSWORD }) });

    expect(signIn.status).toBe(200);
    expect(signIn.headers.get("access-control-allow-origin")).toBe(SPA_ORIGIN);
    expect(signIn.headers.get("access-control-allow-credentials")).toBe("true");
    const cookie = sessionCookie(signIn);
    const session = await call("/api/auth/get-session", { origin: SPA_ORIGIN, cookie });
    expect(session.headers.get("access-control-allow-origin")).toBe(SPA_ORIGIN);
    expect(await session.json()).toMatchObject({ user: { email } });
    // presets.jwt sends a JWT along; the front end may read that header.
    expect(session.headers.get("set-auth-jwt")).toMatch(/^ey/);
    expect(session.headers.get("access-control-expose-headers")).toContain("set-auth-jwt");
    const me = await call("/api/me", { origin: SPA_ORIGIN, cookie });
    expect(me.status).toBe(200);
    expect(me.headers.get("access-control-allow-origin")).toBe(SPA_ORIGIN);
  });

  it("refuses a POST from an untrusted origin with 403 JSON, no CORS headers, and nothing written", async () => {
    const email = uniqueEmail();

    const res = await call("/api/auth/sign-up/email", { method: "POST", origin: UNTRUSTED, body: JSON.stringify({ email, password: PASSWORD, name: "Eve" }) });

    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const body = await res.json<{ code: string; message: string }>();
    expect(body.code).toBe("ORIGIN_NOT_ALLOWED");
    expect(body.message).toContain("TRUSTED_ORIGINS");
    expect(await env.DB.prepare("select id from user where email = ?").bind(email).first()).toBeNull();
  });

  it("refuses a POST that carries cookies but no Origin", async () => {
    const cookie = await signUp(uniqueEmail());

    const res = await call("/api/auth/sign-out", { method: "POST", origin: null, cookie });

    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "ORIGIN_MISSING" });
  });
});

describe("cookies for a front end on another site", () => {
  async function signInCookie(baseURL: string): Promise<string> {
    const email = uniqueEmail();
    await signUp(email);
    const auth = authFor({ ...env, BETTER_AUTH_URL: baseURL });
    const res = await auth.handler(
      new Request(`${baseURL}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { origin: SPA_ORIGIN, "content-type": "application/json" },
        body: JSON.stringify({ email, password: PASSWORD }),
      }),
    );
    expect(res.status).toBe(200);
    return res.headers.getSetCookie().find((line) => line.includes("session_token="))!;
  }

  it("are SameSite=None; Secure when BETTER_AUTH_URL is https and TRUSTED_ORIGINS is set", async () => {
    const cookie = await signInCookie("https://auth.example.com");

    expect(cookie).toMatch(/SameSite=None/i);
    expect(cookie).toMatch(/; Secure/i);
  });

  it("stay SameSite=Lax over http", async () => {
    const cookie = await signInCookie("http://localhost:8787");

    expect(cookie).toMatch(/SameSite=Lax/i);
  });
});
