/**
 * Mail delivery through the real local send_email binding on both adapters: the core flows' mails (verify,
 * reset, change of email, invitation) arrive with an HTML and a text twin, escape what they interpolate and
 * link only to the Worker; the start-up checks of a Worker that cannot deliver; the log in development.
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { createAuth } from "../src/drizzle.js";
import type { AuthEmail } from "../src/mail.js";
import { createMailer } from "../src/mail-delivery.js";
import * as presets from "../src/presets/index.js";
import { envWithMail, factories, lastSentTo, linkIn, MAIL_FROM, PASSWORD, rows, signedUp, TestClient, uniqueEmail } from "./support/index.js";

const APP = `Acme <b>"Labs"</b>`;
const HOSTILE = `<img src=x onerror=alert(1)>`;
const options = { appName: APP, plugins: [presets.organization({})] };

/** The path a browser opening `link` requests, relative to /api/auth. */
function authPath(link: string): string {
  const url = new URL(link);
  expect(url.origin).toBe(env.BETTER_AUTH_URL);
  return url.pathname.replace(/^\/api\/auth/, "") + url.search;
}

describe.each(["drizzle", "kysely"] as const)("%s adapter: mail through the send_email binding", (name) => {
  const mailEnv = envWithMail();
  const auth = () => factories[name](mailEnv, options);

  it("mails verification on sign-up and a password reset, HTML and text, escaped; the links work", async () => {
    const { email, userId } = await signedUp(auth(), `${name}-mail`, HOSTILE);
    const verify = lastSentTo(mailEnv.EMAIL, email);
    expect(verify).toMatchObject({ from: MAIL_FROM, subject: "Verify your email address" });
    expect(verify.html).toContain("Acme &lt;b&gt;&quot;Labs&quot;&lt;/b&gt;");
    expect(verify.html).not.toContain("<b>");
    expect(verify.html).toContain('<html lang="en">');
    const opened = await new TestClient(auth()).raw(authPath(linkIn(verify)));
    expect(opened.status).toBeLessThan(400);
    expect((await rows("SELECT email_verified FROM user WHERE id = ?", userId))[0]!.email_verified).toBe(1);

    expect((await new TestClient(auth()).post("/request-password-reset", { email, redirectTo: "/reset" })).status).toBe(200);
    const reset = lastSentTo(mailEnv.EMAIL, email);
    expect(reset.subject).toBe("Reset your password");
    const redirected = await new TestClient(auth()).raw(authPath(linkIn(reset)));
    const token = new URL(redirected.headers.get("location")!, env.BETTER_AUTH_URL).searchParams.get("token");
    expect((await new TestClient(auth()).post("/reset-password", { token, newPassword: `${PASSWORD}!` })).status).toBe(200);
    expect((await new TestClient(auth()).post("/reset-password", { token, newPassword: `${PASSWORD}?` })).status).toBe(400);
  });

  it("mails a change of email and an invitation with every interpolated value escaped", async () => {
    const owner = await signedUp(auth(), `${name}-mail-owner`);
    await env.DB.prepare("UPDATE user SET email_verified = 1 WHERE id = ?").bind(owner.userId).run();
    const newEmail = uniqueEmail(`${name}-mail-new`);
    expect((await owner.client.post("/change-email", { newEmail, callbackURL: "/" })).status).toBe(200);
    const change = lastSentTo(mailEnv.EMAIL, owner.email);
    expect(change.text).toContain(newEmail);
    expect(new URL(linkIn(change)).origin).toBe(env.BETTER_AUTH_URL);

    const created = await owner.client.post("/organization/create", { name: HOSTILE, slug: `org-${crypto.randomUUID().slice(0, 8)}` });
    expect(created.status).toBe(200);
    const invitee = uniqueEmail(`${name}-mail-invitee`);
    expect((await owner.client.post("/organization/invite-member", { email: invitee, role: "member" })).status).toBe(200);
    const invitation = lastSentTo(mailEnv.EMAIL, invitee);
    expect(invitation.subject).toBe(`Join ${HOSTILE}`);
    expect(invitation.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(invitation.html).not.toContain("<img");
    expect(invitation.text).toContain(HOSTILE);
  });

  it("uses a template given for a kind, and the defaults for the others", async () => {
    const withTemplate = envWithMail();
    const templated = {
      emailTemplates: { "verify-email": (mail: { url: string }, app: { name: string }) => ({ subject: `Welcome to\r\n${app.name}`, text: `Verify: ${mail.url}`, html: "<p>Verify</p>" }) },
    };
    const { email } = await signedUp(factories[name](withTemplate, templated), `${name}-mail-template`);
    // The subject is a header: a template's line break cannot add another.
    expect(lastSentTo(withTemplate.EMAIL, email)).toMatchObject({ subject: "Welcome to localhost:8787", html: "<p>Verify</p>" });
  });
});

describe("without a way to deliver mail", () => {
  const deployed = { ...env, BETTER_AUTH_URL: "https://auth.example.com" };

  it("a deployed Worker whose flows need mail refuses to start, naming them", () => {
    expect(() => createAuth(deployed, { plugins: [presets.magicLink()] })).toThrow(/EMAIL_NOT_CONFIGURED: presets\.magicLink needs mail/);
    expect(() => createAuth(deployed, { emailAndPassword: { enabled: true, requireEmailVerification: true } })).toThrow(/EMAIL_NOT_CONFIGURED/);
    // Email and password alone work without mail (no verification, no reset).
    expect(() => createAuth(deployed, {})).not.toThrow();
  });

  it("a binding without a sender, or a binding of the wrong kind, is refused at start-up", () => {
    expect(() => createAuth({ ...deployed, EMAIL: env.TEST_EMAIL }, {})).toThrow(/EMAIL_FROM_MISSING/);
    expect(() => createAuth({ ...deployed, EMAIL: env.TEST_EMAIL, AUTH_EMAIL_FROM: "not an address" }, {})).toThrow(/EMAIL_FROM_MISSING/);
    expect(() => createAuth({ ...deployed, EMAIL: "auth@example.com" } as never, {})).toThrow(/EMAIL_BINDING_INVALID/);
    // A sendEmail hook wins over the binding, so the binding's sender is not needed.
    expect(() => createAuth({ ...deployed, EMAIL: env.TEST_EMAIL }, { sendEmail: () => {} })).not.toThrow();
  });

  it("the binding can have another name", async () => {
    const named = { ...envWithMail(), EMAIL: undefined, MAILER: envWithMail().EMAIL };
    const { email } = await signedUp(createAuth(named, { emailBinding: "MAILER" }), "named-binding");
    expect(lastSentTo(named.MAILER, email).from).toBe(MAIL_FROM);
  });

  it("in local development mail goes to the log, the link on its own line", async () => {
    const local = { ...env };
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const auth = createAuth(local, { plugins: [presets.magicLink()] });
      const email = uniqueEmail("dev-log");
      expect((await new TestClient(auth).post("/sign-in/magic-link", { email })).status).toBe(200);
      const line = logged.mock.calls.map((call) => String(call[0])).find((text) => text.includes(email));
      expect(line).toMatch(/^\[auth-d1\] magic-link mail to /);
      expect(line!.split("\n")).toContainEqual(expect.stringMatching(/^http:\/\/localhost:8787\/api\/auth\/magic-link\/verify\?token=\w+/));
    } finally {
      logged.mockRestore();
    }
  });

  it("never mails a link to another origin than the Worker's", async () => {
    const sent: AuthEmail[] = [];
    const mailer = createMailer({ sendEmail: (mail) => void sent.push(mail), mail: { binding: undefined, bindingName: "EMAIL", from: undefined }, baseURL: env.BETTER_AUTH_URL, appName: "Acme", templates: undefined })!;
    const draft = { kind: "magic-link", to: "ada@example.com", token: "t" } as const;
    await expect(mailer({ ...draft, url: "https://evil.example/api/auth/magic-link/verify?token=t" })).rejects.toThrow(/refusing to mail a magic-link link/);
    await mailer({ ...draft, url: `${env.BETTER_AUTH_URL}/api/auth/magic-link/verify?token=t` });
    expect(sent.map((mail) => mail.to)).toEqual(["ada@example.com"]);
  });
});
