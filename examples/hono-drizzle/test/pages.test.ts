import { describe, expect, it } from "vitest";
import { PASSWORD, sessionCookie, textOf, uniqueEmail } from "./support.js";
import { call, captureMailLog, postJSON, signUp } from "./worker.js";

captureMailLog();

async function page(path: string, cookie?: string): Promise<{ status: number; body: string; type: string | null }> {
  const res = await call(path, { cookie });
  return { status: res.status, body: await res.text(), type: res.headers.get("content-type") };
}

describe("pages", () => {
  it("/ links to every page and says who is signed in", async () => {
    const signedOut = await page("/");
    expect(signedOut.status).toBe(200);
    expect(signedOut.type).toMatch(/^text\/html/);
    for (const href of ["/sign-up", "/sign-in", "/profile", "/organizations", "/api/auth/reference", "/api/me"]) {
      expect(signedOut.body).toContain(`href="${href}"`);
    }
    expect(textOf(signedOut.body, "session-state")).toBe("Not signed in");

    const email = uniqueEmail();
    const signedIn = await page("/", await signUp(email));
    expect(textOf(signedIn.body, "session-state")).toBe(`Signed in as ${email}`);
  });

  it("/sign-up has a labelled form", async () => {
    const { status, body } = await page("/sign-up");

    expect(status).toBe(200);
    expect(body).toContain('<form id="sign-up"');
    for (const label of ["Name", "Email", "Password"]) expect(body).toMatch(new RegExp(`<label>${label} <input`));
    expect(textOf(body, "sign-up-submit")).toBe("Create account");
  });

  it("/sign-in has the password form, a hidden second-factor step with backup codes, and passkeys", async () => {
    const { status, body } = await page("/sign-in?next=/organizations");

    expect(status).toBe(200);
    expect(body).toContain('<form id="sign-in" data-next="/organizations">');
    expect(body).toContain('<section id="second-factor" data-testid="second-factor" hidden>');
    expect(body).toContain("<label>Code from your authenticator app");
    expect(textOf(body, "use-backup-code")).toBe("Use a backup code");
    expect(body).toContain("<label>Backup code");
    expect(textOf(body, "passkey-sign-in")).toBe("Sign in with a passkey");
    expect(body).toContain("/passkey/generate-authenticate-options");
  });

  it("/sign-in ignores a next that leads to another site", async () => {
    const { body } = await page(`/sign-in?next=${encodeURIComponent("//evil.example/")}`);

    expect(body).toContain('<form id="sign-in" data-next="">');
  });

  it("/profile sends a signed-out visitor to sign in and back", async () => {
    const res = await call("/profile");

    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/sign-in?next=%2Fprofile");
  });

  it("/profile shows the user, two-factor off, passkeys and this session", async () => {
    const email = uniqueEmail();
    const { status, body } = await page("/profile", await signUp(email, "Ada Lovelace"));

    expect(status).toBe(200);
    expect(textOf(body, "signed-in-as")).toBe(`Signed in as ${email}`);
    expect(textOf(body, "user-name")).toBe("Ada Lovelace");
    expect(textOf(body, "two-factor-status")).toBe("Two-factor authentication is off.");
    expect(body).toContain('<form id="enable-two-factor" method="post" action="/profile/two-factor">');
    expect(textOf(body, "passkeys")).toBe("No passkeys yet.");
    expect(textOf(body, "add-passkey")).toBe("Add a passkey");
    expect(body).toContain("/passkey/generate-register-options");
    expect(body.match(/data-testid="session" data-current="true"/g)).toHaveLength(1);
    expect(textOf(body, "sign-out")).toBe("Sign out");
    // Changing the password signs the other devices out unless the user unticks the box.
    expect(body).toContain('<form id="change-password">');
    expect(body).toMatch(/<input name="revokeOtherSessions" type="checkbox" data-testid="revoke-other-sessions" checked \/>/);
    expect(body).toContain('api("/change-password", { currentPassword, newPassword, revokeOtherSessions: revokeOtherSessions === "on" })');
  });

  it("/profile says what just happened", async () => {
    const { body } = await page("/profile?notice=passkey-added", await signUp(uniqueEmail()));

    expect(textOf(body, "notice")).toBe("Passkey added.");
  });

  it("/organizations sends a signed-out visitor to sign in, and shows a new user none", async () => {
    const signedOut = await call("/organizations");
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toBe("/sign-in?next=%2Forganizations");

    const { status, body } = await page("/organizations", await signUp(uniqueEmail()));
    expect(status).toBe(200);
    expect(textOf(body, "active-organization")).toBe("No active organization.");
    expect(textOf(body, "organizations")).toBe("None yet.");
    expect(body).toContain('<form id="create-organization">');
  });

  it("/accept-invitation/:id asks a signed-out visitor to sign in first", async () => {
    const { status, body } = await page("/accept-invitation/some-id");

    expect(status).toBe(200);
    expect(body).toContain(`href="/sign-in?next=${encodeURIComponent("/accept-invitation/some-id")}"`);
    expect(body).not.toContain('<button type="button" data-testid="accept-invitation">');
  });
});

describe("sessions on /profile", () => {
  it("lists every session and one can be revoked with the token the page carries", async () => {
    const email = uniqueEmail();
    const first = await signUp(email);
    const second = sessionCookie(await postJSON("/api/auth/sign-in/email", { email, password: PASSWORD }));
    const { body } = await page("/profile", second);
    expect(body.match(/data-testid="session" /g)).toHaveLength(2);
    const other = /data-current="false">[\s\S]*?data-token="([^"]+)"/.exec(body)?.[1];
    expect(other).toBeDefined();

    const revoke = await postJSON("/api/auth/revoke-session", { token: other }, second);

    expect(revoke.status).toBe(200);
    expect((await call("/api/me", { cookie: first })).status).toBe(401);
    expect((await page("/profile", second)).body.match(/data-testid="session" /g)).toHaveLength(1);
  });
});

describe("passkeys", () => {
  it("offers registration options for BETTER_AUTH_URL's host to a signed-in user only", async () => {
    const cookie = await signUp(uniqueEmail());

    const res = await call("/api/auth/passkey/generate-register-options", { cookie });

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rp: { id: "localhost", name: "auth-d1 example" }, challenge: expect.any(String) });
    expect((await call("/api/auth/passkey/generate-register-options")).status).toBe(401);
  });
});
