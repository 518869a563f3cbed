/**
 * docs/security.md, "Sign-up and account enumeration": by default sign-up answers 422 for a taken address;
 * with `requireEmailVerification: true` it answers a taken address as it answers a new one, and nobody is
 * signed in before verifying.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createAuth } from "../../src/kysely.js";
import type { AuthEmail } from "../../src/mail.js";
import { PASSWORD, TestClient, uniqueEmail } from "../support/index.js";

const outbox: AuthEmail[] = [];
const options = { sendEmail: (mail: AuthEmail) => void outbox.push(mail), requireEmailVerification: true };

describe("sign-up and account enumeration", () => {
  it("by default tells a taken address apart: 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", async () => {
    const email = uniqueEmail("enum-default");
    const auth = createAuth(env);
    expect((await new TestClient(auth).post("/sign-up/email", { email, password: PASSWORD, name: "First" })).status).toBe(200);
    const again = await new TestClient(auth).post("/sign-up/email", { email, password: PASSWORD, name: "Second" });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
  });

  it("with requireEmailVerification, answers a taken address like a new one, with no session, and writes nothing", async () => {
    const email = uniqueEmail("enum-alike");
    const auth = createAuth(env, options);
    const first = await new TestClient(auth).post("/sign-up/email", { email, password: PASSWORD, name: "First" });
    const second = await new TestClient(auth).post("/sign-up/email", { email, password: PASSWORD, name: "Second" });
    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ token: null, user: expect.objectContaining({ email, emailVerified: false }) });
      expect(res.headers.getSetCookie().filter((cookie) => cookie.includes("session_token=") && !cookie.includes("Max-Age=0"))).toEqual([]);
    }
    expect(Object.keys(second.body.user).sort()).toEqual(Object.keys(first.body.user).sort());
    expect((await env.DB.prepare("SELECT name FROM user WHERE email = ?").bind(email).all()).results).toEqual([{ name: "First" }]);

    const signIn = await new TestClient(auth).post("/sign-in/email", { email, password: PASSWORD });
    expect(signIn.status).toBe(403);
    expect(signIn.body.code).toBe("EMAIL_NOT_VERIFIED");
    expect(outbox.filter((mail) => mail.to === email && mail.kind === "verify-email")).toHaveLength(2);
  });

  it("refuses requireEmailVerification at start-up on a deployed Worker with no way to send mail", () => {
    const deployed = { ...env, BETTER_AUTH_URL: "https://auth.example.com" };
    expect(() => createAuth(deployed, { requireEmailVerification: true })).toThrow(expect.objectContaining({ code: "EMAIL_NOT_CONFIGURED" }));
  });
});
