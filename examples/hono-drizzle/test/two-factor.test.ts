import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cookiesFrom, PASSWORD, sessionCookie, textOf, textsOf, totp, uniqueEmail } from "./support.js";
import worker from "../src/index.js";
import { call, captureMailLog, postJSON, signUp } from "./worker.js";

captureMailLog();

function enableForm(password: string): URLSearchParams {
  return new URLSearchParams({ password });
}

async function twoFactorRows(email: string): Promise<number> {
  const row = await env.DB.prepare("select count(*) as n from two_factor join user on user.id = two_factor.user_id where user.email = ?")
    .bind(email)
    .first<{ n: number }>();
  return row!.n;
}

describe("two-factor set-up on /profile", () => {
  it("shows the secret, a QR code and backup codes; a code from that secret turns two factors on", async () => {
    const email = uniqueEmail();
    const cookie = await signUp(email);

    const res = await call("/profile/two-factor", { method: "POST", body: enableForm(PASSWORD), cookie });

    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toMatch(/data-testid="totp-qr"[^>]*><svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const secret = textOf(body, "totp-secret");
    expect(secret).toMatch(/^[A-Z2-7]{32,}$/);
    const backupCodes = textsOf(body, "backup-code");
    expect(backupCodes).toHaveLength(10);
    expect(new Set(backupCodes).size).toBe(10);
    expect(textOf(body, "two-factor-status")).toContain("enter a code");

    const verify = await postJSON("/api/auth/two-factor/verify-totp", { code: totp(secret) }, cookie);

    expect(verify.status).toBe(200);
    const profile = await (await call("/profile", { cookie: sessionCookie(verify) })).text();
    expect(textOf(profile, "two-factor-status")).toBe("Two-factor authentication is on.");
    const row = await env.DB.prepare("select two_factor_enabled from user where email = ?").bind(email).first();
    expect(row).toEqual({ two_factor_enabled: 1 });
  });

  it("then sign-in asks for a second factor, and a backup code from the page completes it", async () => {
    const email = uniqueEmail();
    const cookie = await signUp(email);
    const body = await (await call("/profile/two-factor", { method: "POST", body: enableForm(PASSWORD), cookie })).text();
    await postJSON("/api/auth/two-factor/verify-totp", { code: totp(textOf(body, "totp-secret")) }, cookie);
    const backupCode = textsOf(body, "backup-code")[0];

    const signIn = await postJSON("/api/auth/sign-in/email", { email, password: PASSWORD });

    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toMatchObject({ twoFactorRedirect: true });
    // No session yet: better-auth clears the session cookie and sets a two-factor one instead.
    expect(signIn.headers.getSetCookie().some((line) => /^better-auth\.session_token=[^;]/.test(line))).toBe(false);
    const verify = await postJSON("/api/auth/two-factor/verify-backup-code", { code: backupCode }, cookiesFrom(signIn));
    expect(verify.status).toBe(200);
    const me = await call("/api/me", { cookie: sessionCookie(verify) });
    expect(await me.json()).toMatchObject({ user: { email, twoFactorEnabled: true } });
  });

  it("says why with a wrong password, and leaves two factors off", async () => {
    const email = uniqueEmail();
    const cookie = await signUp(email);

    const res = await call("/profile/two-factor", { method: "POST", body: enableForm("not the password"), cookie });

    expect(res.status).toBe(400);
    const body = await res.text();
    expect(textOf(body, "error")).toBe("Invalid password");
    expect(body).not.toContain("<svg");
    expect(textOf(body, "two-factor-status")).toBe("Two-factor authentication is off.");
    expect(await twoFactorRows(email)).toBe(0);
  });

  it("refuses the form post from another origin with 403 JSON", async () => {
    const email = uniqueEmail();
    const cookie = await signUp(email);

    const res = await call("/profile/two-factor", { method: "POST", body: enableForm(PASSWORD), cookie, origin: "https://evil.example" });

    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "ORIGIN_NOT_ALLOWED" });
    expect(await twoFactorRows(email)).toBe(0);
  });

  it("sends a signed-out form post to sign in", async () => {
    const res = await call("/profile/two-factor", { method: "POST", body: enableForm(PASSWORD) });

    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/sign-in?next=%2Fprofile");
  });
});

describe("two-factor set-up on a deployed Worker (rate limiting on)", () => {
  // A Worker serving its https URL, not localhost: the package turns rate limiting on there.
  const DEPLOYED = "https://auth.example.com";
  const deployedEnv = { ...env, BETTER_AUTH_URL: DEPLOYED };
  const ip = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
  const send = (path: string, init: { method?: string; body?: BodyInit; cookie?: string; json?: boolean } = {}) => {
    const headers = new Headers({ origin: DEPLOYED, "cf-connecting-ip": ip });
    if (init.cookie) headers.set("cookie", init.cookie);
    if (init.json) headers.set("content-type", "application/json");
    return worker.fetch(new Request(`${DEPLOYED}${path}`, { method: init.method ?? "GET", body: init.body, headers, redirect: "manual" }), deployedEnv, createExecutionContext());
  };

  it("counts wrong passwords on POST /profile/two-factor against the auth API's limit: 429 with Retry-After, then the right password waits too", async () => {
    const email = uniqueEmail();
    const signedUp = await send("/api/auth/sign-up/email", { method: "POST", json: true, body: JSON.stringify({ email, password: PASSWORD, name: "Ada" }) });
    expect(signedUp.status).toBe(200);
    const cookie = cookiesFrom(signedUp);

    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let attempt = 0; attempt < 12 && !limited; attempt++) {
      const res = await send("/profile/two-factor", { method: "POST", body: enableForm("not the password"), cookie });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }

    expect(statuses[0]).toBe(400);
    expect(limited, `statuses: ${statuses.join(", ")}`).toBeDefined();
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(textOf(await limited!.text(), "error")).toMatch(/^Too many attempts/);
    const right = await send("/profile/two-factor", { method: "POST", body: enableForm(PASSWORD), cookie });
    expect(right.status).toBe(429);
    expect(await twoFactorRows(email)).toBe(0);
  });
});
