/**
 * docs/security.md, "Rotating the secret": what survives the move from BETTER_AUTH_SECRET to
 * BETTER_AUTH_SECRETS="2:new,1:old". better-auth signs cookies and verification links with the newest secret
 * only. What it encrypted under a lone BETTER_AUTH_SECRET carries no version, and only BETTER_AUTH_SECRET
 * itself decrypts it: it has to stay set next to BETTER_AUTH_SECRETS.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createAuth } from "../../src/drizzle.js";
import type { AuthEmail } from "../../src/mail.js";
import * as presets from "../../src/presets/index.js";
import { lastMailTo, PASSWORD, TestClient, uniqueEmail } from "../support/index.js";

const OLD_SECRET = "old-secret-0123456789-0123456789-0123456789";
const NEW_SECRET = "new-secret-9876543210-9876543210-9876543210";

const outbox: AuthEmail[] = [];
const options = { sendEmail: (mail: AuthEmail) => void outbox.push(mail), plugins: [presets.twoFactor()] };

// Two deployments of one Worker: before and after the rotation. A new env object means a new instance.
const before = { ...env, BETTER_AUTH_SECRET: OLD_SECRET };
const after = { ...env, BETTER_AUTH_SECRET: OLD_SECRET, BETTER_AUTH_SECRETS: `2:${NEW_SECRET},1:${OLD_SECRET}` };
const afterWithoutOld = { ...env, BETTER_AUTH_SECRET: undefined, BETTER_AUTH_SECRETS: `2:${NEW_SECRET},1:${OLD_SECRET}` };

describe("rotating BETTER_AUTH_SECRET to BETTER_AUTH_SECRETS=2:new,1:old", () => {
  it("signs every session out, keeps the session rows, and new sign-ins work", async () => {
    const email = uniqueEmail("rotate-session");
    const browser = new TestClient(createAuth(before, options));
    expect((await browser.post("/sign-up/email", { email, password: PASSWORD, name: "Ada" })).status).toBe(200);
    expect((await browser.get("/get-session")).body.user.email).toBe(email);
    const oldCookie = browser.sessionCookie!;

    // The same cookie, presented to the rotated deployment.
    const rotated = createAuth(after, options);
    const stale = await rotated.api.getSession({ headers: new Headers({ cookie: `better-auth.session_token=${oldCookie}` }) });
    expect(stale).toBeNull();
    const token = decodeURIComponent(oldCookie).split(".")[0];
    expect(await env.DB.prepare("SELECT count(*) AS n FROM session WHERE token = ?").bind(token).first("n")).toBe(1);

    const again = new TestClient(rotated);
    expect((await again.post("/sign-in/email", { email, password: PASSWORD })).status).toBe(200);
    expect((await again.get("/get-session")).body.user.email).toBe(email);
  });

  async function twoFactorUnderOldSecret(label: string): Promise<{ email: string; totpURI: string }> {
    const email = uniqueEmail(label);
    const browser = new TestClient(createAuth(before, options));
    await browser.post("/sign-up/email", { email, password: PASSWORD, name: "Ada" });
    const enabled = await browser.post("/two-factor/enable", { password: PASSWORD });
    expect(enabled.status).toBe(200);
    return { email, totpURI: enabled.body.totpURI };
  }

  it("still decrypts a two-factor secret encrypted under the old secret, with BETTER_AUTH_SECRET kept", async () => {
    const { email, totpURI } = await twoFactorUnderOldSecret("rotate-2fa");
    const again = new TestClient(createAuth(after, options));
    await again.post("/sign-in/email", { email, password: PASSWORD });
    const uri = await again.post("/two-factor/get-totp-uri", { password: PASSWORD });
    expect(uri.status).toBe(200);
    expect(uri.body.totpURI).toBe(totpURI);
  });

  it("cannot decrypt it once BETTER_AUTH_SECRET is removed, even with the old secret listed as 1:", async () => {
    const { email } = await twoFactorUnderOldSecret("rotate-2fa-gone");
    const again = new TestClient(createAuth(afterWithoutOld, options));
    await again.post("/sign-in/email", { email, password: PASSWORD });
    expect((await again.post("/two-factor/get-totp-uri", { password: PASSWORD })).status).toBe(500);
  });

  it("encrypts new data under the newest version", async () => {
    const email = uniqueEmail("rotate-2fa-new");
    const browser = new TestClient(createAuth(after, options));
    await browser.post("/sign-up/email", { email, password: PASSWORD, name: "Ada" });
    await browser.post("/two-factor/enable", { password: PASSWORD });
    const row = await env.DB.prepare("SELECT t.secret FROM two_factor t JOIN user u ON u.id = t.user_id WHERE u.email = ?").bind(email).first<{ secret: string }>();
    expect(row?.secret).toMatch(/^\$ba\$2\$/);
  });

  it("refuses verification links mailed before the rotation", async () => {
    const email = uniqueEmail("rotate-link");
    const browser = new TestClient(createAuth(before, options));
    await browser.post("/sign-up/email", { email, password: PASSWORD, name: "Ada" });
    const link = new URL(lastMailTo(outbox, email, "verify-email").url);

    const res = await new TestClient(createAuth(after, options)).raw(link.pathname.replace("/api/auth", "") + link.search);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/?error=INVALID_TOKEN");
    expect(await env.DB.prepare("SELECT email_verified FROM user WHERE email = ?").bind(email).first("email_verified")).toBe(0);
  });

  it("keeps password-reset links mailed before the rotation working: their tokens are stored, not signed", async () => {
    const email = uniqueEmail("rotate-reset");
    await new TestClient(createAuth(before, options)).post("/sign-up/email", { email, password: PASSWORD, name: "Ada" });
    expect((await new TestClient(createAuth(before, options)).post("/request-password-reset", { email, redirectTo: "/reset" })).status).toBe(200);
    const { token } = lastMailTo(outbox, email, "reset-password");

    const rotated = createAuth(after, options);
    expect((await new TestClient(rotated).post("/reset-password", { token, newPassword: "a brand new password" })).status).toBe(200);
    expect((await new TestClient(rotated).post("/sign-in/email", { email, password: "a brand new password" })).status).toBe(200);
  });
});
