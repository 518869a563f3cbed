/**
 * docs/troubleshooting.md, "CORS errors from a front end on another origin": better-auth trusts the origins in
 * TRUSTED_ORIGINS but sends no CORS headers; docs/scripts/cors.ts adds them for those origins only.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { withCors } from "../../../../docs/scripts/cors.js";
import { createAuth } from "../../src/drizzle.js";
import { readAuthEnv } from "../../src/env.js";
import { authPost, ORIGIN, PASSWORD, uniqueEmail } from "../support/index.js";

const FRONT_END = "http://localhost:5173";
const withFrontEnd = { ...env, TRUSTED_ORIGINS: FRONT_END };

function worker(request: Request, workerEnv: typeof withFrontEnd): Promise<Response> {
  return withCors(request, readAuthEnv(workerEnv).trustedOrigins, () => createAuth(workerEnv).handler(request));
}

function signUpFrom(origin: string, workerEnv: typeof withFrontEnd = withFrontEnd): Promise<Response> {
  return worker(authPost("/sign-up/email", JSON.stringify({ email: uniqueEmail("cors"), password: PASSWORD, name: "Ada" }), { origin }), workerEnv);
}

describe("a front end on another origin", () => {
  it("without CORS headers from better-auth itself, even for a trusted origin", async () => {
    const body = JSON.stringify({ email: uniqueEmail("cors-bare"), password: PASSWORD, name: "Ada" });
    const res = await createAuth(withFrontEnd).handler(authPost("/sign-up/email", body, { origin: FRONT_END }));
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("gets its preflight answered and its sign-up through, with credentials allowed", async () => {
    const preflight = await worker(
      new Request(`${ORIGIN}/api/auth/sign-up/email`, { method: "OPTIONS", headers: { origin: FRONT_END, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } }),
      withFrontEnd,
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(FRONT_END);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Content-Type");

    const res = await signUpFrom(FRONT_END);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(FRONT_END);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.getSetCookie().some((line) => line.startsWith("better-auth.session_token="))).toBe(true);
  });

  it("is refused by better-auth (403 INVALID_ORIGIN) and gets no CORS headers when it is not in TRUSTED_ORIGINS", async () => {
    const res = await signUpFrom(FRONT_END, { ...env, TRUSTED_ORIGINS: "" });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "INVALID_ORIGIN" });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await worker(new Request(`${ORIGIN}/api/auth/sign-up/email`, { method: "OPTIONS", headers: { origin: "https://elsewhere.example", "access-control-request-method": "POST" } }), withFrontEnd);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });
});
