/**
 * A mail that cannot be sent, for every kind, on both adapters: the real local send_email binding refusing
 * the recipient (TEST_EMAIL_RESTRICTED) behind a switch. Each flow answers what docs/email.md ("When a send
 * fails") says, keeps no working token or code that only the lost mail carried, and asking again works.
 * Magic links are in test/presets/magic-link.test.ts; the email-OTP sign-in retry in test/presets/email-otp.test.ts.
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import * as presets from "../src/presets/index.js";
import { codeIn, envWithMail, factories, lastSentTo, linkIn, markVerified, one, PASSWORD, rows, signedUp, TestClient, uniqueEmail, type SentMail, type SignedUpUser } from "./support/index.js";

const options = { appName: "Acme", plugins: [presets.organization(), presets.twoFactor(), presets.magicLink(), presets.emailOTP({ changeEmail: { enabled: true } })] };
/** No session until the address is verified. */
const verifiedOnly = { ...options, requireEmailVerification: true };
/** A template with a bug: its mail is never sent either. */
const brokenTemplate = {
  ...options,
  emailTemplates: {
    "organization-invitation": () => {
      throw new Error("template bug");
    },
  },
};

/** The real binding, or while `failing` is set the real one that refuses every address these tests use. */
function switchedBinding() {
  const state = { failing: false };
  const binding = { send: (message: SentMail) => (state.failing ? env.TEST_EMAIL_RESTRICTED : env.TEST_EMAIL).send(message) };
  return { state, binding };
}

/** The path a browser opening `link` requests, relative to /api/auth. */
function authPath(link: string): string {
  const url = new URL(link);
  expect(url.origin).toBe(env.BETTER_AUTH_URL);
  return url.pathname.replace(/^\/api\/auth/, "") + url.search;
}

function expectSendFailed(res: { status: number; body: { code?: string } }): void {
  expect(res.status).toBe(502);
  expect(res.body.code).toBe("EMAIL_SEND_FAILED");
}

describe.each(["drizzle", "kysely"] as const)("%s adapter: a mail that cannot be sent", (name) => {
  const { state, binding } = switchedBinding();
  const mailEnv = envWithMail(binding);
  const auth = () => factories[name](mailEnv, options);
  /** One user through the whole file: signed up while mail failed, then reset, 2FA and an invitation. */
  let user: SignedUpUser & { password: string };

  /** Runs `request` while every send fails, and checks the failure was logged for `to`. */
  async function whileFailing<T>(to: string, request: () => Promise<T>): Promise<T> {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    state.failing = true;
    try {
      const result = await request();
      expect(logged.mock.calls.some((call) => String(call[0]).startsWith("[auth-d1] the ") && String(call[0]).includes(` mail to ${to} could not be sent`))).toBe(true);
      return result;
    } finally {
      state.failing = false;
      logged.mockRestore();
    }
  }

  it("sign-up still signs up (200, unverified); /send-verification-email answers 502; asked again, the link verifies", async () => {
    const email = uniqueEmail(`${name}-mf`);
    const client = new TestClient(auth());
    const res = await whileFailing(email, () => client.post("/sign-up/email", { email, password: PASSWORD, name: "Ada" }));
    expect(res.status).toBe(200);
    user = { client, email, userId: res.body.user.id, password: PASSWORD };
    expect(await one("SELECT email_verified FROM user WHERE id = ?", user.userId)).toEqual({ email_verified: 0 });

    expectSendFailed(await whileFailing(email, () => client.post("/send-verification-email", { email })));
    // The link is a signed token, stored nowhere: the one that did not leave exists nowhere.
    expect(await rows("SELECT id FROM verification WHERE value = ?", user.userId)).toEqual([]);

    expect((await client.post("/send-verification-email", { email })).status).toBe(200);
    expect((await client.raw(authPath(linkIn(lastSentTo(mailEnv.EMAIL, email))))).status).toBe(302);
    expect(await one("SELECT email_verified FROM user WHERE id = ?", user.userId)).toEqual({ email_verified: 1 });
  });

  it("with requireEmailVerification, sign-up answers 200 without a session; signing in answers 403 and mails a new link, which verifies", async () => {
    const strict = () => factories[name](mailEnv, verifiedOnly);
    const email = uniqueEmail(`${name}-mf-strict`);
    const res = await whileFailing(email, () => new TestClient(strict()).post("/sign-up/email", { email, password: PASSWORD, name: "Ada" }));
    expect(res.status).toBe(200);
    expect(res.body.token).toBeNull();
    const signIn = () => new TestClient(strict()).post("/sign-in/email", { email, password: PASSWORD });
    expect((await whileFailing(email, signIn)).body.code).toBe("EMAIL_NOT_VERIFIED");
    const sent = mailEnv.EMAIL.sent.length;
    expect((await signIn()).body.code).toBe("EMAIL_NOT_VERIFIED");
    expect(mailEnv.EMAIL.sent.length).toBe(sent + 1);
    const browser = new TestClient(strict());
    expect((await browser.raw(authPath(linkIn(lastSentTo(mailEnv.EMAIL, email))))).status).toBe(302);
    expect((await browser.get("/get-session")).body.user).toMatchObject({ email, emailVerified: true });
  });

  it("a password reset request answers 200 as for an unknown address and keeps no reset token; asked again, the link resets", async () => {
    const unknown = await new TestClient(auth()).post("/request-password-reset", { email: uniqueEmail(`${name}-mf-nobody`), redirectTo: "/reset" });
    const failed = await whileFailing(user.email, () => new TestClient(auth()).post("/request-password-reset", { email: user.email, redirectTo: "/reset" }));
    expect(failed).toMatchObject({ status: 200, body: unknown.body });
    const resetRows = () => rows("SELECT identifier FROM verification WHERE identifier LIKE 'reset-password:%' AND value = ?", user.userId);
    expect(await resetRows()).toEqual([]);

    expect((await new TestClient(auth()).post("/request-password-reset", { email: user.email, redirectTo: "/reset" })).status).toBe(200);
    const redirected = await new TestClient(auth()).raw(authPath(linkIn(lastSentTo(mailEnv.EMAIL, user.email))));
    const token = new URL(redirected.headers.get("location")!, env.BETTER_AUTH_URL).searchParams.get("token");
    user.password = `${PASSWORD} reset`;
    expect((await new TestClient(auth()).post("/reset-password", { token, newPassword: user.password })).status).toBe(200);
    expect(await resetRows()).toEqual([]);
  });

  it("a two-factor code by mail answers 502 and keeps no code; the challenge stays, and a new code signs in", async () => {
    const enabling = new TestClient(auth());
    expect((await enabling.post("/sign-in/email", { email: user.email, password: user.password })).status).toBe(200);
    expect((await enabling.post("/two-factor/enable", { password: user.password })).status).toBe(200);
    // As confirming a TOTP code would: these tests are about the mailed code.
    await env.DB.prepare("UPDATE user SET two_factor_enabled = 1 WHERE id = ?").bind(user.userId).run();

    const device = new TestClient(auth());
    expect((await device.post("/sign-in/email", { email: user.email, password: user.password })).body.twoFactorRedirect).toBe(true);
    expectSendFailed(await whileFailing(user.email, () => device.post("/two-factor/send-otp", {})));
    const codeRows = () => rows("SELECT v.id FROM verification v JOIN verification c ON v.identifier = '2fa-otp-' || c.identifier WHERE c.value = ?", user.userId);
    expect(await codeRows()).toEqual([]);

    expect((await device.post("/two-factor/send-otp", {})).status).toBe(200);
    expect(await codeRows()).toHaveLength(1);
    const verified = await device.post("/two-factor/verify-otp", { code: codeIn(lastSentTo(mailEnv.EMAIL, user.email)) });
    expect(verified.status).toBe(200);
    expect(device.sessionCookie).toBeDefined();
    user.client = device;
  });

  it("an invitation answers 502 and is not kept; invited again it is mailed and accepted; a failed resend keeps it; a throwing template fails too", async () => {
    const owner = await signedUp(auth(), `${name}-mf-owner`);
    await markVerified(owner.userId);
    const created = await owner.client.post("/organization/create", { name: "Mail", slug: `${name}-mf-${crypto.randomUUID().slice(0, 8)}` });
    expect(created.status).toBe(200);
    const organizationId = created.body.id as string;
    const invitations = () => rows<{ id: string; status: string }>("SELECT id, status FROM invitation WHERE organization_id = ?", organizationId);
    const invite = { email: user.email, role: "member", organizationId };

    expectSendFailed(await whileFailing(user.email, () => owner.client.post("/organization/invite-member", invite)));
    expect(await invitations()).toEqual([]);

    const invited = await owner.client.post("/organization/invite-member", invite);
    expect(invited.status).toBe(200);
    expect(linkIn(lastSentTo(mailEnv.EMAIL, user.email))).toBe(`${env.BETTER_AUTH_URL}/accept-invitation/${invited.body.id}`);
    expectSendFailed(await whileFailing(user.email, () => owner.client.post("/organization/invite-member", { ...invite, resend: true })));
    expect(await invitations()).toEqual([{ id: invited.body.id, status: "pending" }]);

    expect((await user.client.post("/organization/accept-invitation", { invitationId: invited.body.id })).status).toBe(200);

    // A template that throws fails the invitation too, rather than answer 200 for a mail that never left.
    const broken = new TestClient(factories[name](mailEnv, brokenTemplate));
    expect((await broken.post("/sign-in/email", { email: owner.email, password: PASSWORD })).status).toBe(200);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      expect((await broken.post("/organization/invite-member", { ...invite, email: uniqueEmail(`${name}-mf-template`) })).status).toBe(500);
    } finally {
      logged.mockRestore();
    }
    expect(await invitations()).toEqual([{ id: invited.body.id, status: "accepted" }]);

    // A change of email answers 200 however the mail fares (as for an address that is taken), and stores nothing.
    const newEmail = uniqueEmail(`${name}-mf-new`);
    const before = await rows("SELECT id FROM verification WHERE value = ?", owner.userId);
    expect((await whileFailing(owner.email, () => owner.client.post("/change-email", { newEmail, callbackURL: "/" }))).status).toBe(200);
    expect(await rows("SELECT id FROM verification WHERE value = ?", owner.userId)).toEqual(before);
    expect((await owner.client.post("/change-email", { newEmail, callbackURL: "/" })).status).toBe(200);
    // Asked again: the current address approves, then the new one verifies.
    expect((await owner.client.raw(authPath(linkIn(lastSentTo(mailEnv.EMAIL, owner.email))))).status).toBe(302);
    expect((await owner.client.raw(authPath(linkIn(lastSentTo(mailEnv.EMAIL, newEmail))))).status).toBe(302);
    expect(await one("SELECT email FROM user WHERE id = ?", owner.userId)).toEqual({ email: newEmail });
  });

  it("passwordless: a magic link answers 502, an email code 200 for every purpose (change of email too), and neither is kept; a new code verifies", async () => {
    const { email, userId } = user;
    expectSendFailed(await whileFailing(email, () => new TestClient(auth()).post("/sign-in/magic-link", { email })));
    const otpRows = () => rows("SELECT identifier FROM verification WHERE identifier LIKE '%-otp-' || ? OR (identifier LIKE 'magic-link:%' AND value LIKE ?)", email, `%${email}%`);
    for (const type of ["sign-in", "email-verification", "forget-password"]) {
      expect(await whileFailing(email, () => new TestClient(auth()).post("/email-otp/send-verification-otp", { email, type }))).toMatchObject({ status: 200 });
    }
    expect(await whileFailing(email, () => new TestClient(auth()).post("/email-otp/request-password-reset", { email }))).toMatchObject({ status: 200 });
    expect(await otpRows()).toEqual([]);
    const newEmail = uniqueEmail(`${name}-mf-otp-new`);
    expect(await whileFailing(newEmail, () => user.client.post("/email-otp/request-email-change", { newEmail }))).toMatchObject({ status: 200 });
    expect(await rows("SELECT id FROM verification WHERE identifier = ?", `change-email-otp-${userId}:${newEmail}`)).toEqual([]);

    await env.DB.prepare("UPDATE user SET email_verified = 0 WHERE id = ?").bind(userId).run();
    expect((await new TestClient(auth()).post("/email-otp/send-verification-otp", { email, type: "email-verification" })).status).toBe(200);
    const otp = codeIn(lastSentTo(mailEnv.EMAIL, email));
    expect((await new TestClient(auth()).post("/email-otp/verify-email", { email, otp })).status).toBe(200);
    expect(await one("SELECT email_verified FROM user WHERE id = ?", userId)).toEqual({ email_verified: 1 });
  });
});
