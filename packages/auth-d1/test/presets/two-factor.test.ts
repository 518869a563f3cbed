/**
 * presets.twoFactor over HTTP on both adapters: TOTP from an independent authenticator (otpauth), backup
 * codes, mailed codes, trusted devices, disabling, and better-auth's limits on wrong codes.
 */
import { env } from "cloudflare:test";
import { Secret, TOTP, URI } from "otpauth";
import { describe, expect, it } from "vitest";
import * as presets from "../../src/presets/index.js";
import { adaptersWith, ISO_DATE, type JsonResponse, lastMailTo, PASSWORD, rows, sessionCount, signedUp, TestClient, uniqueEmail } from "../support/index.js";

const BACKUP_CODE = /^[A-Za-z0-9]{5}-[A-Za-z0-9]{5}$/;

const both = adaptersWith((sendEmail) => ({ appName: "Acme", sendEmail, plugins: [presets.twoFactor()] }));
const ownIssuer = adaptersWith((sendEmail) => ({ appName: "Acme", sendEmail, plugins: [presets.twoFactor({ issuer: "Acme-Security" })] }));

async function twoFactorRow(userId: string) {
  return (await rows("SELECT * FROM two_factor WHERE user_id = ?", userId))[0];
}

async function userEnabled(userId: string): Promise<unknown> {
  return (await rows("SELECT two_factor_enabled FROM user WHERE id = ?", userId))[0]?.two_factor_enabled;
}

/** The Set-Cookie line for `name`, if the response set or cleared it. */
function setCookie(res: JsonResponse, name: string): string | undefined {
  return res.headers.getSetCookie().find((line) => line.startsWith(`better-auth.${name}=`));
}

/** What an authenticator app makes of the URI: otpauth's own parser, never better-auth's helper. */
function authenticator(totpURI: string, email: string, issuer = "Acme"): TOTP {
  const parsed = URI.parse(totpURI);
  expect(parsed).toBeInstanceOf(TOTP);
  expect(parsed).toMatchObject({ issuer, label: email, digits: 6, period: 30, algorithm: "SHA1" });
  return parsed as TOTP;
}

/** A six-digit code no window the server accepts (±1 period) could produce. */
function wrongCode(totp: TOTP): string {
  const near = new Set([-2, -1, 0, 1, 2].map((step) => totp.generate({ timestamp: Date.now() + step * 30_000 })));
  let n = Number(totp.generate());
  let code: string;
  do {
    n = (n + 1) % 1_000_000;
    code = String(n).padStart(6, "0");
  } while (near.has(code));
  return code;
}

describe.each(both)("$name adapter: presets.twoFactor over HTTP", { timeout: 120_000 }, ({ name, auth, outbox }) => {
  const signUp = (label: string) => signedUp(auth(), `${name}-2fa-${label}`);

  /** Signed up with TOTP turned on: enabled with the password, confirmed with an authenticator's code. */
  async function withTotp(label: string) {
    const user = await signUp(label);
    const enabled = await user.client.post("/two-factor/enable", { password: PASSWORD });
    expect(enabled.status).toBe(200);
    const totp = authenticator(enabled.body.totpURI, user.email);
    expect((await user.client.post("/two-factor/verify-totp", { code: totp.generate() })).status).toBe(200);
    expect(await userEnabled(user.userId)).toBe(1);
    return { ...user, totp, backupCodes: enabled.body.backupCodes as string[] };
  }

  /** The password step from a jar, which must stop at the second factor. */
  async function challenged(email: string, device = new TestClient(auth())) {
    const res = await device.post("/sign-in/email", { email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.twoFactorRedirect).toBe(true);
    expect(device.sessionCookie).toBeUndefined();
    return { device, res };
  }

  it("enables TOTP with the password: a URI and backup codes back, the secret and codes stored encrypted", async () => {
    const { client, email, userId } = await signUp("enable");
    const wrong = await client.post("/two-factor/enable", { password: "not the password" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe("INVALID_PASSWORD");
    expect(await twoFactorRow(userId)).toBeUndefined();

    const res = await client.post("/two-factor/enable", { password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ method: "totp", totpURI: expect.any(String), backupCodes: expect.any(Array) });
    expect(res.body.backupCodes).toHaveLength(10);
    for (const code of res.body.backupCodes) expect(code).toMatch(BACKUP_CODE);
    const totp = authenticator(res.body.totpURI, email);
    const base32 = totp.secret.base32;
    const raw = new TextDecoder().decode(Secret.fromBase32(base32).bytes);

    const row = await twoFactorRow(userId);
    expect(row).toMatchObject({ user_id: userId, verified: 0, failed_verification_count: 0, locked_until: null });
    expect(row!.secret).toMatch(/^[0-9a-f]+$/);
    expect(row!.secret).not.toContain(base32);
    expect(row!.secret).not.toContain(raw);
    expect(row!.backup_codes).toMatch(/^[0-9a-f]+$/);
    for (const code of res.body.backupCodes) expect(row!.backup_codes).not.toContain(code);
    // Not on until a code proves the authenticator has the secret: sign-in is still one step.
    expect(await userEnabled(userId)).toBe(0);
    const signIn = await new TestClient(auth()).post("/sign-in/email", { email, password: PASSWORD });
    expect(signIn.body.twoFactorRedirect).toBeUndefined();
    expect(signIn.body.token).toEqual(expect.any(String));

    const uri = await client.post("/two-factor/get-totp-uri", { password: PASSWORD });
    expect(uri.status).toBe(200);
    expect(uri.body).toEqual({ totpURI: res.body.totpURI });
    const uriWrong = await client.post("/two-factor/get-totp-uri", { password: "not the password" });
    expect(uriWrong.status).toBe(400);
    expect(uriWrong.body.code).toBe("INVALID_PASSWORD");
    expect((await new TestClient(auth()).post("/two-factor/get-totp-uri", { password: PASSWORD })).status).toBe(401);
  });

  it("turns on with an authenticator's code; a wrong code is refused and changes nothing", async () => {
    const { client, email, userId } = await signUp("verify");
    const enabled = await client.post("/two-factor/enable", { password: PASSWORD });
    const totp = authenticator(enabled.body.totpURI, email);
    const before = await twoFactorRow(userId);
    const oldToken = client.sessionToken;

    const wrong = await client.post("/two-factor/verify-totp", { code: wrongCode(totp) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("INVALID_CODE");
    expect(await twoFactorRow(userId)).toEqual(before);
    expect(await userEnabled(userId)).toBe(0);

    const res = await client.post("/two-factor/verify-totp", { code: totp.generate() });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: userId, email });
    expect(await userEnabled(userId)).toBe(1);
    expect(await twoFactorRow(userId)).toMatchObject({ verified: 1, secret: before!.secret });
    // The session is reissued so it carries the new flag; the old token is gone.
    expect(client.sessionToken).not.toBe(oldToken);
    expect(await rows("SELECT id FROM session WHERE token = ?", oldToken)).toHaveLength(0);
    expect((await client.get("/get-session")).body.user).toMatchObject({ id: userId, twoFactorEnabled: true });

    const again = await client.post("/two-factor/enable", { password: PASSWORD });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe("TOTP_ALREADY_ENABLED");
  });

  it("sign-in stops at the second factor, with no session, and a TOTP code completes it", async () => {
    const { email, userId, totp } = await withTotp("signin");
    const sessions = await sessionCount(userId);
    const { device, res } = await challenged(email);
    expect(res.body).toEqual({ twoFactorRedirect: true, twoFactorMethods: ["totp", "otp"] });
    expect(setCookie(res, "two_factor")).toBeDefined();
    expect(await sessionCount(userId)).toBe(sessions);
    expect((await device.get("/get-session")).body).toBeNull();

    const noChallenge = await new TestClient(auth()).post("/two-factor/verify-totp", { code: totp.generate() });
    expect(noChallenge.status).toBe(401);
    expect(noChallenge.body.code).toBe("INVALID_TWO_FACTOR_COOKIE");

    const wrong = await device.post("/two-factor/verify-totp", { code: wrongCode(totp) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("INVALID_CODE");
    expect(await twoFactorRow(userId)).toMatchObject({ failed_verification_count: 1 });
    expect(await sessionCount(userId)).toBe(sessions);

    const done = await device.post("/two-factor/verify-totp", { code: totp.generate() });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ token: device.sessionToken, user: { id: userId, email, twoFactorEnabled: true } });
    expect(await rows("SELECT user_id FROM session WHERE token = ?", device.sessionToken)).toEqual([{ user_id: userId }]);
    expect(await sessionCount(userId)).toBe(sessions + 1);
    expect(await twoFactorRow(userId)).toMatchObject({ failed_verification_count: 0 });
    expect((await device.get("/get-session")).body.user.id).toBe(userId);
  });

  it("backup codes complete sign-in once each; regenerating them retires the old ones", async () => {
    const { client, email, userId, backupCodes } = await withTotp("backup");
    const [first, second, third] = backupCodes as [string, string, string];
    const stored = (await twoFactorRow(userId))!.backup_codes;

    const one = await challenged(email);
    const used = await one.device.post("/two-factor/verify-backup-code", { code: first });
    expect(used.status).toBe(200);
    expect(used.body).toMatchObject({ token: one.device.sessionToken, user: { id: userId } });
    expect((await one.device.get("/get-session")).body.user.id).toBe(userId);
    expect((await twoFactorRow(userId))!.backup_codes).not.toBe(stored);

    const two = await challenged(email);
    const reused = await two.device.post("/two-factor/verify-backup-code", { code: first });
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe("INVALID_BACKUP_CODE");
    expect(two.device.sessionCookie).toBeUndefined();
    expect((await two.device.post("/two-factor/verify-backup-code", { code: second })).status).toBe(200);

    const fresh = await client.post("/two-factor/generate-backup-codes", { password: PASSWORD });
    expect(fresh.status).toBe(200);
    expect(fresh.body.backupCodes).toHaveLength(10);
    expect(fresh.body.backupCodes).not.toContain(third);
    const three = await challenged(email);
    const retired = await three.device.post("/two-factor/verify-backup-code", { code: third });
    expect(retired.status).toBe(401);
    expect(retired.body.code).toBe("INVALID_BACKUP_CODE");
    expect((await three.device.post("/two-factor/verify-backup-code", { code: fresh.body.backupCodes[0] })).status).toBe(200);
  });

  it("email codes: enabled with method otp, a mailed code signs in and a wrong one is refused", async () => {
    const { client, email, userId } = await signUp("otp");
    const enabled = await client.post("/two-factor/enable", { password: PASSWORD, method: "otp" });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toEqual({ method: "otp" });
    expect(await userEnabled(userId)).toBe(1);
    expect(await twoFactorRow(userId)).toBeUndefined();

    const { device, res } = await challenged(email);
    expect(res.body.twoFactorMethods).toEqual(["otp"]);
    const sent = await device.post("/two-factor/send-otp", {});
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ status: true });
    const mail = lastMailTo(outbox, email, "two-factor-otp");
    expect(mail.otp).toMatch(/^\d{6}$/);
    expect(mail.user.id).toBe(userId);
    expect(mail.text).toContain(mail.otp);
    // The preset stores emailed codes hashed: the pending row must not hold the code itself.
    const [pending] = await rows<{ value: string; expires_at: string }>(
      "SELECT value, expires_at FROM verification WHERE identifier LIKE '2fa-otp-%' ORDER BY created_at DESC LIMIT 1",
    );
    expect(pending!.expires_at).toMatch(ISO_DATE);
    expect(pending!.value).toMatch(/^[^:]+:0$/);
    expect(pending!.value).not.toContain(mail.otp);

    const wrong = await device.post("/two-factor/verify-otp", { code: mail.otp === "000000" ? "111111" : "000000" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("INVALID_CODE");
    expect(device.sessionCookie).toBeUndefined();

    const done = await device.post("/two-factor/verify-otp", { code: mail.otp });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ token: device.sessionToken, user: { id: userId, email } });
    expect((await device.get("/get-session")).body.user.id).toBe(userId);
    const replay = await (await challenged(email)).device.post("/two-factor/verify-otp", { code: mail.otp });
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe("OTP_HAS_EXPIRED");
  });

  it("a trusted device skips the second factor from its own cookie jar only", async () => {
    const { email, userId, totp } = await withTotp("trust");
    const { device } = await challenged(email);
    const trusted = await device.post("/two-factor/verify-totp", { code: totp.generate(), trustDevice: true });
    expect(trusted.status).toBe(200);
    expect(setCookie(trusted, "trust_device")).toMatch(/Max-Age=2592000/i);
    const [trust] = await rows("SELECT identifier, expires_at FROM verification WHERE identifier LIKE 'trust-device-%' AND value = ?", userId);
    expect(new Date(trust!.expires_at).getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);

    expect((await device.post("/sign-out", {})).status).toBe(200);
    const sessions = await sessionCount(userId);
    const again = await device.post("/sign-in/email", { email, password: PASSWORD });
    expect(again.status).toBe(200);
    expect(again.body.twoFactorRedirect).toBeUndefined();
    expect(again.body).toMatchObject({ token: device.sessionToken, user: { id: userId } });
    expect(await sessionCount(userId)).toBe(sessions + 1);
    // The trust record is rotated on each use.
    const rotated = await rows("SELECT identifier FROM verification WHERE identifier LIKE 'trust-device-%' AND value = ?", userId);
    expect(rotated).toHaveLength(1);
    expect(rotated[0]!.identifier).not.toBe(trust!.identifier);

    // A jar without the trust cookie is still asked for the second factor.
    await challenged(email);
  });

  it("disables with the password: the flag and secret go, trust is revoked, sign-in is one step again", async () => {
    const { email, userId, totp } = await withTotp("disable");
    const { device } = await challenged(email);
    expect((await device.post("/two-factor/verify-totp", { code: totp.generate(), trustDevice: true })).status).toBe(200);

    const wrong = await device.post("/two-factor/disable", { password: "not the password" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe("INVALID_PASSWORD");
    expect(await userEnabled(userId)).toBe(1);

    const res = await device.post("/two-factor/disable", { password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: true });
    expect(await userEnabled(userId)).toBe(0);
    expect(await twoFactorRow(userId)).toBeUndefined();
    expect(await rows("SELECT id FROM verification WHERE identifier LIKE 'trust-device-%' AND value = ?", userId)).toHaveLength(0);
    expect(setCookie(res, "trust_device")).toMatch(/Max-Age=0/i);
    expect((await device.get("/get-session")).body.user).toMatchObject({ id: userId, twoFactorEnabled: false });

    const fresh = new TestClient(auth());
    const signIn = await fresh.post("/sign-in/email", { email, password: PASSWORD });
    expect(signIn.status).toBe(200);
    expect(signIn.body.twoFactorRedirect).toBeUndefined();
    expect(signIn.body).toMatchObject({ token: fresh.sessionToken, user: { id: userId } });
  });

  it("five wrong codes end a challenge; ten in a row lock the second factor for fifteen minutes", async () => {
    const { email, userId, totp, backupCodes } = await withTotp("lockout");
    const first = await challenged(email);
    for (let i = 0; i < 5; i++) expect((await first.device.post("/two-factor/verify-totp", { code: wrongCode(totp) })).body.code).toBe("INVALID_CODE");
    // The sixth try is refused before the code is looked at, even a right one, and the challenge is spent.
    const sixth = await first.device.post("/two-factor/verify-totp", { code: totp.generate() });
    expect(sixth.status).toBe(400);
    expect(sixth.body.code).toBe("TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE");
    expect((await first.device.post("/two-factor/verify-totp", { code: totp.generate() })).body.code).toBe("INVALID_TWO_FACTOR_COOKIE");
    expect(await twoFactorRow(userId)).toMatchObject({ failed_verification_count: 5, locked_until: null });

    const second = await challenged(email);
    for (let i = 0; i < 5; i++) expect((await second.device.post("/two-factor/verify-totp", { code: wrongCode(totp) })).status).toBe(401);
    const locked = await twoFactorRow(userId);
    expect(locked).toMatchObject({ failed_verification_count: 10, locked_until: expect.stringMatching(ISO_DATE) });
    expect(new Date(locked!.locked_until).getTime()).toBeGreaterThan(Date.now() + 10 * 60 * 1000);
    expect(new Date(locked!.locked_until).getTime()).toBeLessThanOrEqual(Date.now() + 15 * 60 * 1000);

    const sessions = await sessionCount(userId);
    const third = await challenged(email);
    for (const [path, code] of [
      ["/two-factor/verify-totp", totp.generate()],
      ["/two-factor/verify-backup-code", backupCodes[0]],
    ] as const) {
      const refused = await third.device.post(path, { code });
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe("ACCOUNT_TEMPORARILY_LOCKED");
    }
    expect(third.device.sessionCookie).toBeUndefined();
    expect(await sessionCount(userId)).toBe(sessions);
  });

  it("an emailed code allows five tries, then a new code must be sent", async () => {
    const { client, email, userId } = await signUp("otp-limit");
    expect((await client.post("/two-factor/enable", { password: PASSWORD, method: "otp" })).status).toBe(200);
    const { device } = await challenged(email);
    await device.post("/two-factor/send-otp", {});
    const first = lastMailTo(outbox, email, "two-factor-otp");
    const { otp } = first;
    const wrong = otp === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) expect((await device.post("/two-factor/verify-otp", { code: wrong })).body.code).toBe("INVALID_CODE");
    const sixth = await device.post("/two-factor/verify-otp", { code: otp });
    expect(sixth.status).toBe(400);
    expect(sixth.body.code).toBe("TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE");
    expect((await device.post("/two-factor/verify-otp", { code: otp })).body.code).toBe("OTP_HAS_EXPIRED");
    expect(device.sessionCookie).toBeUndefined();

    // The challenge itself survives: a new code is mailed and works.
    expect((await device.post("/two-factor/send-otp", {})).status).toBe(200);
    const next = lastMailTo(outbox, email, "two-factor-otp");
    expect(next).not.toBe(first);
    expect(next.otp).toMatch(/^\d{6}$/);
    const done = await device.post("/two-factor/verify-otp", { code: next.otp });
    expect(done.status).toBe(200);
    expect(done.body.user.id).toBe(userId);
  });
});

describe.each(ownIssuer)("$name adapter: presets.twoFactor with its own issuer", { timeout: 120_000 }, ({ name, auth }) => {
  it("shows that issuer both when enabling and when the URI is fetched again", async () => {
    const client = new TestClient(auth());
    const email = uniqueEmail(`${name}-2fa-issuer`);
    expect((await client.post("/sign-up/email", { email, password: PASSWORD, name: "Ada Lovelace" })).status).toBe(200);
    const enabled = await client.post("/two-factor/enable", { password: PASSWORD });
    expect(enabled.status).toBe(200);
    const fromEnable = authenticator(enabled.body.totpURI, email, "Acme-Security");
    const again = await client.post("/two-factor/get-totp-uri", { password: PASSWORD });
    expect(again.status).toBe(200);
    const fromAgain = authenticator(again.body.totpURI, email, "Acme-Security");
    expect(fromAgain.secret.base32).toBe(fromEnable.secret.base32);
  });
});
