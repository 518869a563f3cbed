import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { linkIn, ORIGIN, PASSWORD, sessionCookie, uniqueEmail } from "./support.js";
import { call, captureMailLog, postJSON, signUp } from "./worker.js";

// The Worker logs every mail it would send; keep that out of the test output but record it.
const loggedMails = captureMailLog();

describe("sign-up", () => {
  it("creates the user in D1, starts a session and logs the verification link", async () => {
    const email = uniqueEmail();

    const res = await postJSON("/api/auth/sign-up/email", { email, password: PASSWORD, name: "Ada" });

    expect(res.status).toBe(200);
    const body = await res.json<{ user: { email: string; emailVerified: boolean } }>();
    expect(body.user).toMatchObject({ email, emailVerified: false });
    expect(sessionCookie(res)).toMatch(/^better-auth\.session_token=.+/);
    const row = await env.DB.prepare("select name, email_verified from user where email = ?").bind(email).first();
    expect(row).toEqual({ name: "Ada", email_verified: 0 });
    expect(loggedMails()).toEqual([expect.stringContaining(`[mail] Verify your email address (to ${email}): ${ORIGIN}/api/auth/verify-email?token=`)]);
  });

  it("logs a verification link that verifies the email", async () => {
    const email = uniqueEmail();
    await signUp(email);
    const link = linkIn(loggedMails()[0]);

    const res = await exports.default.fetch(link, { redirect: "manual" });

    expect(res.status).toBe(302);
    const row = await env.DB.prepare("select email_verified from user where email = ?").bind(email).first();
    expect(row).toEqual({ email_verified: 1 });
  });

  it("refuses a second account with the same email", async () => {
    const email = uniqueEmail();
    await signUp(email);

    const res = await postJSON("/api/auth/sign-up/email", { email, password: PASSWORD, name: "Ada again" });

    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" });
  });
});

describe("sign-in", () => {
  it("starts a session with the right password", async () => {
    const email = uniqueEmail();
    await signUp(email);

    const res = await postJSON("/api/auth/sign-in/email", { email, password: PASSWORD });

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { email } });
    expect(sessionCookie(res)).toMatch(/^better-auth\.session_token=.+/);
  });

  it("answers 401 to a wrong password", async () => {
    const email = uniqueEmail();
    await signUp(email);

    const res = await postJSON("/api/auth/sign-in/email", { email, password: "not the password" });

    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "INVALID_EMAIL_OR_PASSWORD" });
  });
});

describe("get-session", () => {
  it("returns the session and user for the cookie sign-in set", async () => {
    const email = uniqueEmail();
    await signUp(email);
    const signIn = await postJSON("/api/auth/sign-in/email", { email, password: PASSWORD });

    const res = await call("/api/auth/get-session", { cookie: sessionCookie(signIn) });

    expect(res.status).toBe(200);
    const body = await res.json<{ session: { userId: string }; user: { id: string; email: string } }>();
    expect(body.user.email).toBe(email);
    expect(body.session.userId).toBe(body.user.id);
  });

  it("returns null without a cookie", async () => {
    const res = await call("/api/auth/get-session");

    expect(res.status).toBe(200);
    expect(await res.json()).toBeNull();
  });
});

describe("GET /api/me", () => {
  it("answers 401 JSON without a session", async () => {
    const res = await call("/api/me");

    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ code: "UNAUTHORIZED" });
  });

  it("answers 401 JSON for a cookie that is not a session", async () => {
    const res = await call("/api/me", { cookie: "better-auth.session_token=forged.value" });

    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: "UNAUTHORIZED" });
  });

  it("returns the signed-in user", async () => {
    const email = uniqueEmail();
    const cookie = await signUp(email);

    const res = await call("/api/me", { cookie });

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { email, name: "Ada" } });
  });

  it("answers 401 again after sign-out", async () => {
    const cookie = await signUp(uniqueEmail());
    const signOut = await call("/api/auth/sign-out", { method: "POST", cookie });
    expect(signOut.status).toBe(200);

    const res = await call("/api/me", { cookie });

    expect(res.status).toBe(401);
  });
});

describe("errors", () => {
  it("answers a body that is not JSON with a 400 JSON error", async () => {
    const res = await call("/api/auth/sign-in/email", { method: "POST", body: "{not json" });

    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ code: "BAD_REQUEST" });
  });

  it("answers a sign-up without a password with a 400 JSON error", async () => {
    const res = await postJSON("/api/auth/sign-up/email", { email: uniqueEmail(), name: "Ada" });

    expect(res.status).toBe(400);
    expect(await res.json()).toHaveProperty("code");
  });

  it("answers an unknown route with 404 JSON", async () => {
    const res = await call("/nowhere");

    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: "NOT_FOUND" });
  });
});
