/**
 * presets.emailOTP over HTTP on both adapters, with mail through the real local send_email binding: sign-in,
 * email verification and password reset by code; codes hashed at rest, single use, dead after three wrong
 * tries or once expired; a failed send leaves no code.
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import * as presets from "../../src/presets/index.js";
import { codeIn, envWithMail, factories, lastSentTo, PASSWORD, rows, signedUp, TestClient, uniqueEmail } from "../support/index.js";

const options = { appName: "Acme", plugins: [presets.emailOTP()] };

/** A six-digit code that is not `code`. */
function wrong(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, "0");
}

describe.each(["drizzle", "kysely"] as const)("%s adapter: presets.emailOTP", (name) => {
  const mailEnv = envWithMail();
  const failingEnv = envWithMail(env.TEST_EMAIL_RESTRICTED);
  const auth = () => factories[name](mailEnv, options);

  async function sendCode(email: string, type: "sign-in" | "email-verification" | "forget-password") {
    const res = await new TestClient(auth()).post("/email-otp/send-verification-otp", { email, type });
    expect(res.status).toBe(200);
    return codeIn(lastSentTo(mailEnv.EMAIL, email));
  }

  it("signs in by code, once; only the code's hash is stored", async () => {
    const email = uniqueEmail(`${name}-otp`);
    const code = await sendCode(email, "sign-in");
    expect(lastSentTo(mailEnv.EMAIL, email).subject).toBe("Your Acme code");
    const [row] = await rows("SELECT value FROM verification WHERE identifier = ?", `sign-in-otp-${email}`);
    expect(row!.value).not.toContain(code);

    const browser = new TestClient(auth());
    const signIn = await browser.post("/sign-in/email-otp", { email, otp: code });
    expect(signIn.status).toBe(200);
    expect(signIn.body.user).toMatchObject({ email, emailVerified: true });
    expect(browser.sessionCookie).toBeDefined();

    const reused = await new TestClient(auth()).post("/sign-in/email-otp", { email, otp: code });
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe("INVALID_OTP");
  });

  it("kills a code after three wrong tries, and refuses an expired one", async () => {
    const email = uniqueEmail(`${name}-otp-tries`);
    const code = await sendCode(email, "sign-in");
    for (let i = 0; i < 3; i++) expect((await new TestClient(auth()).post("/sign-in/email-otp", { email, otp: wrong(code) })).body.code).toBe("INVALID_OTP");
    const right = await new TestClient(auth()).post("/sign-in/email-otp", { email, otp: code });
    expect(right.status).toBe(403);
    expect(right.body.code).toBe("TOO_MANY_ATTEMPTS");

    const fresh = await sendCode(email, "sign-in");
    await env.DB.prepare("UPDATE verification SET expires_at = ? WHERE identifier = ?").bind(new Date(Date.now() - 1000).toISOString(), `sign-in-otp-${email}`).run();
    const expired = await new TestClient(auth()).post("/sign-in/email-otp", { email, otp: fresh });
    expect(expired.status).toBe(400);
    expect(expired.body.code).toBe("OTP_EXPIRED");
  });

  it("verifies an address and resets a password by code", async () => {
    const { email, userId } = await signedUp(auth(), `${name}-otp-verify`);
    const verifyCode = await sendCode(email, "email-verification");
    expect((await new TestClient(auth()).post("/email-otp/verify-email", { email, otp: verifyCode })).status).toBe(200);
    expect((await rows("SELECT email_verified FROM user WHERE id = ?", userId))[0]!.email_verified).toBe(1);

    const resetCode = await sendCode(email, "forget-password");
    const newPassword = `${PASSWORD} 2`;
    expect((await new TestClient(auth()).post("/email-otp/reset-password", { email, otp: resetCode, password: newPassword })).status).toBe(200);
    expect((await new TestClient(auth()).post("/sign-in/email", { email, password: newPassword })).status).toBe(200);
    expect((await new TestClient(auth()).post("/sign-in/email", { email, password: PASSWORD })).status).toBe(401);
  });

  it("keeps no code when the binding refuses the mail (the answer stays 200, as for any address), and a new request works", async () => {
    const email = uniqueEmail(`${name}-otp-fail`);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const failed = await new TestClient(factories[name](failingEnv, options)).post("/email-otp/send-verification-otp", { email, type: "sign-in" });
      // better-auth answers the same whether a mail left or not, so the answer reveals nothing about the address.
      expect(failed.status).toBe(200);
      expect(logged.mock.calls.some((call) => String(call[0]).includes(`[auth-d1] the email-otp mail to ${email} could not be sent`))).toBe(true);
    } finally {
      logged.mockRestore();
    }
    expect(failingEnv.EMAIL.sent).toHaveLength(0);
    expect(await rows("SELECT id FROM verification WHERE identifier = ?", `sign-in-otp-${email}`)).toHaveLength(0);

    const code = await sendCode(email, "sign-in");
    expect((await new TestClient(auth()).post("/sign-in/email-otp", { email, otp: code })).status).toBe(200);
  });
});
