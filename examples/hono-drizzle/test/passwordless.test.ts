import { describe, expect, it } from "vitest";
import { linkIn, ORIGIN, sessionCookie, uniqueEmail } from "./support.js";
import { call, captureMailLog, postJSON } from "./worker.js";

// The Worker logs every mail it would send; the link or code is read from that log.
const loggedMails = captureMailLog();

describe("passwordless sign-in", () => {
  it("signs in by the mailed link, once, and the page asks for an address", async () => {
    const page = await call("/sign-in/magic-link");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="magic-link-submit"');

    const email = uniqueEmail("link");
    expect((await postJSON("/api/auth/sign-in/magic-link", { email, callbackURL: "/profile" })).status).toBe(200);
    const link = linkIn(loggedMails().find((line) => line.includes(`(to ${email})`)));
    expect(link.startsWith(`${ORIGIN}/api/auth/magic-link/verify?token=`)).toBe(true);

    const opened = await call(link.slice(ORIGIN.length));
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toBe(`${ORIGIN}/profile`);
    const me = await call("/api/me", { cookie: sessionCookie(opened) });
    expect(await me.json()).toMatchObject({ user: { email, emailVerified: true } });

    const again = await call(link.slice(ORIGIN.length));
    expect(again.headers.get("location")).toContain("error=INVALID_TOKEN");
  });

  it("signs in by the mailed code, once, and the page asks for an address", async () => {
    expect(await (await call("/sign-in/email-code")).text()).toContain('data-testid="code-submit"');

    const email = uniqueEmail("code");
    expect((await postJSON("/api/auth/email-otp/send-verification-otp", { email, type: "sign-in" })).status).toBe(200);
    const line = loggedMails().find((l) => l.includes(`(to ${email})`));
    const otp = /code (\d{6})$/.exec(line ?? "")?.[1];
    expect(otp).toBeDefined();

    const signIn = await postJSON("/api/auth/sign-in/email-otp", { email, otp });
    expect(signIn.status).toBe(200);
    expect(sessionCookie(signIn)).toMatch(/^better-auth\.session_token=.+/);
    expect((await postJSON("/api/auth/sign-in/email-otp", { email, otp })).status).toBe(400);
  });
});
