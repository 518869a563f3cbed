/**
 * presets.magicLink over HTTP on both adapters, with mail through the real local send_email binding: the
 * link signs up and in once, stored hashed; expired and reused links fail; a failed send leaves no token.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import * as presets from "../../src/presets/index.js";
import { envWithMail, factories, lastSentTo, linkIn, MAIL_FROM, rows, TestClient, uniqueEmail } from "../support/index.js";

const options = { appName: "Acme", plugins: [presets.magicLink()] };

/** The path a browser opening `link` requests, relative to /api/auth. */
function pathOf(link: string): string {
  const url = new URL(link);
  expect(url.origin).toBe(env.BETTER_AUTH_URL);
  return url.pathname.replace(/^\/api\/auth/, "") + url.search;
}

async function rowsFor(email: string) {
  return rows("SELECT * FROM verification WHERE identifier LIKE 'magic-link:%' AND value LIKE ?", `%${email}%`);
}

describe.each(["drizzle", "kysely"] as const)("%s adapter: presets.magicLink", (name) => {
  const mailEnv = envWithMail();
  const failingEnv = envWithMail(env.TEST_EMAIL_RESTRICTED);
  const auth = () => factories[name](mailEnv, options);

  async function requestLink(email: string, client = new TestClient(auth())) {
    const res = await client.post("/sign-in/magic-link", { email, callbackURL: "/dashboard" });
    expect(res.status).toBe(200);
    return lastSentTo(mailEnv.EMAIL, email);
  }

  it("mails a link that signs a new address up and in, once; only its hash is stored", async () => {
    const email = uniqueEmail(`${name}-ml`);
    const mail = await requestLink(email);
    expect(mail).toMatchObject({ from: MAIL_FROM, subject: "Sign in to Acme" });
    const link = linkIn(mail);
    expect(mail.html).toContain(link.replace(/&/g, "&amp;"));
    const token = new URL(link).searchParams.get("token")!;
    const [row] = await rowsFor(email);
    expect(row!.identifier).not.toContain(token);

    const browser = new TestClient(auth());
    const opened = await browser.raw(pathOf(link));
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toBe(`${env.BETTER_AUTH_URL}/dashboard`);
    const session = await browser.get("/get-session");
    expect(session.body.user).toMatchObject({ email, emailVerified: true });
    expect(await rowsFor(email)).toHaveLength(0);

    const again = await new TestClient(auth()).raw(pathOf(link));
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toContain("error=INVALID_TOKEN");
    expect(again.headers.getSetCookie().some((c) => c.startsWith("better-auth.session_token=") && !c.includes("Max-Age=0"))).toBe(false);
  });

  it("refuses an expired link", async () => {
    const email = uniqueEmail(`${name}-ml-expired`);
    const link = linkIn(await requestLink(email));
    await env.DB.prepare("UPDATE verification SET expires_at = ? WHERE identifier LIKE 'magic-link:%' AND value LIKE ?").bind(new Date(Date.now() - 1000).toISOString(), `%${email}%`).run();
    const browser = new TestClient(auth());
    const opened = await browser.raw(pathOf(link));
    expect(opened.headers.get("location")).toContain("error=");
    expect(browser.sessionCookie).toBeUndefined();
    expect(await rows("SELECT id FROM user WHERE email = ?", email)).toHaveLength(0);
  });

  it("answers 502 EMAIL_SEND_FAILED when the binding refuses the mail, keeps no token, and a new request works", async () => {
    const email = uniqueEmail(`${name}-ml-fail`);
    const failed = await new TestClient(factories[name](failingEnv, options)).post("/sign-in/magic-link", { email });
    expect(failed.status).toBe(502);
    expect(failed.body.code).toBe("EMAIL_SEND_FAILED");
    expect(failingEnv.EMAIL.sent).toHaveLength(0);
    expect(await rowsFor(email)).toHaveLength(0);

    const link = linkIn(await requestLink(email));
    expect((await new TestClient(auth()).raw(pathOf(link))).status).toBe(302);
  });
});
