/**
 * `readReplication`: the guarantees docs/consistency.md states, each against a replica that really lags
 * (test/support/replica-lag.ts: two local D1 databases, the replica applying the primary's writes only when
 * the test calls `catchUp()`), on both adapters.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bookmarkSigner } from "../src/d1/bookmark.js";
import { isAuthD1Error } from "../src/errors.js";
import type { AuthEmail } from "../src/mail.js";
import type { AuthD1Options } from "../src/options.js";
import { countingD1, factories, lastMailTo, laggingD1, ORIGIN, PASSWORD, uniqueEmail, type AdapterName, type AuthHandler, type LaggingD1 } from "./support/index.js";

const OPTIONS: AuthD1Options = { readReplication: true };
const PRIMARY_ONLY: AuthD1Options = {};
const outbox: AuthEmail[] = [];
/** With mail recorded, for the links a test follows. */
const MAILING: AuthD1Options = { readReplication: true, sendEmail: (mail) => void outbox.push(mail) };
/** Every get-session extends the session: a write inside a request that started on a replica. */
const REFRESHING: AuthD1Options = { readReplication: true, session: { updateAge: 0 } };
const COOKIE = "better-auth.d1_bookmark";
const HEADER = "x-d1-bookmark";
const SESSION = "better-auth.session_token";

/** A browser: it keeps every cookie it is sent, and lets a test copy them to another one. */
class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly auth: AuthHandler,
    cookies: Record<string, string> = {},
  ) {
    for (const [cookie, value] of Object.entries(cookies)) this.cookies.set(cookie, value);
  }

  async send(path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const headers = new Headers(init.headers);
    headers.set("origin", ORIGIN);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    if (init.body !== undefined) headers.set("content-type", "application/json");
    const method = init.body === undefined ? "GET" : "POST";
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const response = await this.auth.handler(new Request(`${ORIGIN}/api/auth${path}`, { method, headers, body, redirect: "manual" }));
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const [name = "", value = ""] = pair.split("=", 2).map((part) => part.trim());
      if (value === "" || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    return { status: response.status, body: text === "" ? null : JSON.parse(text), headers: response.headers };
  }

  /** Another browser holding only the session cookie: the same account on a device without this one's bookmark. */
  withoutBookmark(): Browser {
    return new Browser(this.auth, { [SESSION]: this.cookies.get(SESSION)! });
  }

  /** Another browser holding this one's cookies, the bookmark included. */
  copy(): Browser {
    return new Browser(this.auth, Object.fromEntries(this.cookies));
  }
}

/** The D1 bookmark in a signed token. */
function bookmarkIn(token: string): string {
  return token.slice(0, token.lastIndexOf("."));
}

/** What `lag.served` recorded while `action` ran. */
async function servedDuring(lag: LaggingD1, action: () => Promise<unknown>): Promise<string[]> {
  const before = lag.served.length;
  await action();
  return lag.served.slice(before);
}

describe.each(["drizzle", "kysely"] as AdapterName[])("%s adapter with readReplication", (name) => {
  /** A fresh lagging pair and an instance on it; every write so far is on the replica. */
  async function lagging(): Promise<{ lag: LaggingD1; auth: AuthHandler }> {
    const lag = laggingD1(env.DB, env.REPLICA);
    await lag.catchUp();
    return { lag, auth: factories[name]({ ...env, DB: lag.binding }, OPTIONS) };
  }

  async function signedUpOn(auth: AuthHandler, label: string): Promise<{ browser: Browser; email: string }> {
    const browser = new Browser(auth);
    const email = uniqueEmail(`${name}-replica-${label}`);
    const res = await browser.send("/sign-up/email", { body: { email, password: PASSWORD, name: "Ada Lovelace" } });
    expect(res.status).toBe(200);
    return { browser, email };
  }

  it("sign-up and sign-in are seen by the same client's next request while the replica lags; other clients read the replica", async () => {
    const { lag, auth } = await lagging();
    const { browser, email } = await signedUpOn(auth, "own-writes");
    expect(browser.cookies.get(COOKIE)).toMatch(/^.+\..+$/);
    const sent = bookmarkIn(browser.cookies.get(COOKIE)!);
    const own = await servedDuring(lag, async () => {
      const res = await browser.send("/get-session");
      expect(res.body?.user.email).toBe(email);
      // Never older than what the client sent (the harness's bookmarks are fixed-width hex: they sort as strings).
      expect(bookmarkIn(res.headers.get(HEADER)!) >= sent).toBe(true);
    });
    expect(own).not.toContain("replica");
    // The same session cookie without the bookmark: the replica has not seen the sign-up yet.
    const elsewhere = browser.withoutBookmark();
    const stale = await servedDuring(lag, async () => expect((await elsewhere.send("/get-session")).body).toBeNull());
    expect(stale).toContain("replica");
    expect(stale).not.toContain("primary");
    await lag.catchUp();
    // better-auth answered that stale miss by clearing the session cookie: a client must send the bookmark back.
    expect(elsewhere.cookies.has(SESSION)).toBe(false);
    const caughtUp = await servedDuring(lag, async () => expect((await browser.withoutBookmark().send("/get-session")).body?.user.email).toBe(email));
    expect(caughtUp).not.toContain("primary");

    const phone = new Browser(auth);
    expect((await phone.send("/sign-in/email", { body: { email, password: PASSWORD } })).status).toBe(200);
    const session = await phone.send("/get-session");
    expect(session.body?.session.token).toBe(decodeURIComponent(phone.cookies.get(SESSION)!).split(".")[0]);
    expect((await phone.withoutBookmark().send("/get-session")).body).toBeNull();
  });

  it("revocation and sign-out are never undone by the lagging replica for the client that made them", async () => {
    const { lag, auth } = await lagging();
    const { browser: laptop, email } = await signedUpOn(auth, "revoke");
    const phone = new Browser(auth);
    await phone.send("/sign-in/email", { body: { email, password: PASSWORD } });
    await lag.catchUp();
    const phoneToken = decodeURIComponent(phone.cookies.get(SESSION)!).split(".")[0];

    expect((await laptop.send("/revoke-session", { body: { token: phoneToken } })).status).toBe(200);
    const listed = await laptop.send("/list-sessions");
    expect(listed.body.map((s: { token: string }) => s.token)).not.toContain(phoneToken);
    // The phone has no bookmark past the revocation: until the replica applies it, the phone still reads its session.
    expect((await phone.send("/get-session")).body?.user.email).toBe(email);

    const oldSession = laptop.cookies.get(SESSION)!;
    expect((await laptop.send("/sign-out", { body: {} })).status).toBe(200);
    expect(laptop.cookies.get(SESSION)).toBeUndefined();
    // The laptop's old session cookie sent again with the bookmark sign-out answered: signed out, on the primary.
    const replayed = new Browser(auth, { [SESSION]: oldSession, [COOKIE]: laptop.cookies.get(COOKIE)! });
    expect((await replayed.send("/get-session")).body).toBeNull();
    expect((await new Browser(auth, { [SESSION]: oldSession, [COOKIE]: laptop.cookies.get(COOKIE)! }).send("/list-sessions")).status).toBe(401);

    await lag.catchUp();
    expect((await phone.send("/get-session")).body).toBeNull();
    expect((await new Browser(auth, { [SESSION]: oldSession }).send("/get-session")).body).toBeNull();
  });

  it("a session refresh inside a request that read a lagging replica writes on the primary, and so meets the revocation", async () => {
    const lag = laggingD1(env.DB, env.REPLICA);
    await lag.catchUp();
    const auth = factories[name]({ ...env, DB: lag.binding }, REFRESHING);
    const { browser: laptop, email } = await signedUpOn(auth, "refresh");
    const phone = new Browser(auth);
    await phone.send("/sign-in/email", { body: { email, password: PASSWORD } });
    await lag.catchUp();
    const phoneToken = decodeURIComponent(phone.cookies.get(SESSION)!).split(".")[0];
    expect((await laptop.send("/revoke-session", { body: { token: phoneToken } })).status).toBe(200);
    // The phone's read finds its session on the replica; extending it updates no row on the primary.
    const served = await servedDuring(lag, async () => expect((await phone.send("/get-session")).status).toBe(401));
    expect(served[0]).toBe("replica");
    expect(served).toContain("primary");
    expect(phone.cookies.has(SESSION)).toBe(false);
  });

  it("adds no round trip: each request sends D1 as many calls as without it, a unit of work still one batch", async () => {
    const counting = countingD1(env.DB);
    const plain = factories[name]({ ...env, DB: counting.binding }, PRIMARY_ONLY);
    const { lag, auth } = await lagging();
    const calls = async (target: AuthHandler, log: unknown[], email: string) => {
      const browser = new Browser(target);
      const counts: number[] = [];
      for (const [path, body] of [
        ["/sign-up/email", { email, password: PASSWORD, name: "Ada" }],
        ["/get-session", undefined],
        ["/sign-in/email", { email, password: PASSWORD }],
      ] as const) {
        const before = log.length;
        expect((await browser.send(path, { body })).status).toBe(200);
        counts.push(log.length - before);
      }
      return counts;
    };
    const bookmarkBefore = lag.primaryBookmark();
    const replicated = await calls(auth, lag.served, uniqueEmail(`${name}-replica-trips`));
    expect(replicated).toEqual(await calls(plain, counting.roundTrips, uniqueEmail(`${name}-primary-trips`)));
    // Sign-up's rows and sign-in's session: each flow's writes landed in one batch, through the session.
    expect(Number.parseInt(lag.primaryBookmark(), 16) - Number.parseInt(bookmarkBefore, 16)).toBe(2);
  });

  it("a GET that writes (the verification link) starts on the primary: the token the replica lacks is found", async () => {
    const lag = laggingD1(env.DB, env.REPLICA);
    await lag.catchUp();
    const auth = factories[name]({ ...env, DB: lag.binding }, MAILING);
    const { email } = await signedUpOn(auth, "verify");
    const link = new URL(lastMailTo(outbox, email, "verify-email").url);
    // Opened in another browser, with no bookmark, while the replica has neither the user nor the token.
    const res = await new Browser(auth).send(link.pathname.replace("/api/auth", "") + link.search);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).not.toContain("error");
    const row = await env.DB.prepare("SELECT email_verified FROM user WHERE email = ?").bind(email).first<{ email_verified: number }>();
    expect(row?.email_verified).toBe(1);
  });

  it("revoke-sessions then get-session answers signed out, before the replica catches up", async () => {
    const { lag, auth } = await lagging();
    const { browser } = await signedUpOn(auth, "revoke-all");
    await lag.catchUp();
    expect((await browser.send("/revoke-sessions", { body: {} })).status).toBe(200);
    expect((await browser.send("/get-session")).body).toBeNull();
  });

  it("after a password change, sign-in with the old password fails, with or without the bookmark", async () => {
    const { lag, auth } = await lagging();
    const { browser, email } = await signedUpOn(auth, "password");
    await lag.catchUp();
    const changed = await browser.send("/change-password", { body: { currentPassword: PASSWORD, newPassword: "a brand new password", revokeOtherSessions: true } });
    expect(changed.status).toBe(200);
    // Sign-in writes, so it starts on the primary whatever the client holds.
    const served = await servedDuring(lag, async () => {
      expect((await browser.copy().send("/sign-in/email", { body: { email, password: PASSWORD } })).status).toBe(401);
      expect((await new Browser(auth).send("/sign-in/email", { body: { email, password: PASSWORD } })).status).toBe(401);
    });
    expect(served).not.toContain("replica");
    expect((await new Browser(auth).send("/sign-in/email", { body: { email, password: "a brand new password" } })).status).toBe(200);
  });

  it("a tampered, malformed or foreign bookmark is ignored: the request starts on the primary and succeeds", async () => {
    const { lag, auth } = await lagging();
    const { browser, email } = await signedUpOn(auth, "tampered");
    const token = browser.cookies.get(COOKIE)!;
    const [bookmark, tag] = [token.slice(0, token.lastIndexOf(".")), token.slice(token.lastIndexOf(".") + 1)];
    const flipped = (text: string, at: number) => text.slice(0, at) + (text[at] === "0" ? "1" : "0") + text.slice(at + 1);
    const foreignSecret = await bookmarkSigner(["another-deployment-secret-0123456789abcdef"], "DB").sign(bookmark);
    const foreignDatabase = await bookmarkSigner([env.BETTER_AUTH_SECRET], "OTHER_DB").sign(bookmark);
    const bad = [
      "garbage",
      "%00%FF;",
      bookmark,
      `${flipped(bookmark, 7)}.${tag}`,
      `${bookmark}.${flipped(tag, 0)}`,
      `${lag.primaryBookmark()}.${tag}`,
      foreignSecret,
      foreignDatabase,
      `${"0".repeat(5000)}.${tag}`,
    ];
    for (const value of bad) {
      const viaCookie = browser.withoutBookmark();
      viaCookie.cookies.set(COOKIE, value);
      const byCookie = await viaCookie.send("/get-session");
      expect({ value, status: byCookie.status, email: byCookie.body?.user.email }).toEqual({ value, status: 200, email });
      const byHeader = await browser.withoutBookmark().send("/get-session", { headers: { [HEADER]: value } });
      expect({ value, status: byHeader.status, email: byHeader.body?.user.email }).toEqual({ value, status: 200, email });
      // The answer carries a good bookmark in place of the bad one.
      expect(await bookmarkSigner([env.BETTER_AUTH_SECRET], "DB").verify(byHeader.headers.get(HEADER)!)).toBeDefined();
    }
  });

  it("API clients send the bookmark in x-d1-bookmark; auth.api calls honour the one in their headers", async () => {
    const { lag, auth } = await lagging();
    const { browser, email } = await signedUpOn(auth, "header");
    const session = `${SESSION}=${browser.cookies.get(SESSION)}`;
    const res = await auth.handler(new Request(`${ORIGIN}/api/auth/get-session`, { headers: { cookie: session, [HEADER]: browser.cookies.get(COOKIE)! } }));
    expect(((await res.json()) as { user: { email: string } }).user.email).toBe(email);
    expect(res.headers.get(HEADER)).toMatch(/^.+\..+$/);

    const api = (auth as unknown as { api: { getSession(input: { headers: Headers }): Promise<{ user: { email: string } } | null> } }).api;
    const withBookmark = await api.getSession({ headers: new Headers({ cookie: `${session}; ${COOKIE}=${browser.cookies.get(COOKIE)}` }) });
    expect(withBookmark?.user.email).toBe(email);
    const served = await servedDuring(lag, async () => expect(await api.getSession({ headers: new Headers({ cookie: session }) })).toBeNull());
    expect(served).toContain("replica");
    expect(served).not.toContain("primary");
  });
});

describe("readReplication settings", () => {
  it("names the cookie like better-auth's, __Secure- on https", async () => {
    const lag = laggingD1(env.DB, env.REPLICA);
    const auth = factories.drizzle({ ...env, DB: lag.binding, BETTER_AUTH_URL: "https://auth.example.com" }, OPTIONS);
    const res = await auth.handler(
      new Request("https://auth.example.com/api/auth/sign-in/email", {
        method: "POST",
        headers: { origin: "https://auth.example.com", "content-type": "application/json" },
        body: JSON.stringify({ email: uniqueEmail("nobody"), password: PASSWORD }),
      }),
    );
    expect(res.status).toBe(401);
    const cookie = res.headers.getSetCookie().find((line) => line.includes("d1_bookmark"));
    expect(cookie).toMatch(/^__Secure-better-auth\.d1_bookmark=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });

  it("refuses a binding without the Sessions API and a malformed option at start-up", () => {
    const noSessions = { prepare: env.DB.prepare.bind(env.DB), batch: env.DB.batch.bind(env.DB), exec: env.DB.exec.bind(env.DB) };
    const refused = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return isAuthD1Error(error) ? error.code : error;
      }
      return "accepted";
    };
    expect(refused(() => factories.kysely({ ...env, DB: noSessions as unknown as D1Database }, { readReplication: true }))).toBe("OPTIONS_INVALID");
    expect(refused(() => factories.kysely(env, { readReplication: { header: "x bookmark" } }))).toBe("OPTIONS_INVALID");
    expect(refused(() => factories.kysely(env, { readReplication: { readOnlyPaths: ["my-plugin/list"] } }))).toBe("OPTIONS_INVALID");
    expect(refused(() => factories.drizzle(env, { readReplication: "yes" as unknown as boolean }))).toBe("OPTIONS_INVALID");
  });
});

describe("the replica-lag harness", () => {
  it("lags until catchUp, applies writes in bookmark order, and never reads a session older than its bookmark", async () => {
    const lag = laggingD1(env.DB, env.REPLICA);
    await lag.catchUp();
    const key = `harness-${crypto.randomUUID()}`;
    const insert = (n: number) => lag.binding.prepare("INSERT INTO rate_limit (id, key, count, last_request) VALUES (?, ?, ?, 0)").bind(crypto.randomUUID(), `${key}-${n}`, n).run();
    const count = async (session: D1DatabaseSession) =>
      (await session.prepare("SELECT count(*) AS n FROM rate_limit WHERE key LIKE ?").bind(`${key}-%`).first<{ n: number }>("n")) ?? 0;

    await insert(1);
    const afterFirst = lag.primaryBookmark();
    await insert(2);
    const afterSecond = lag.primaryBookmark();
    expect(await count(lag.binding.withSession("first-unconstrained"))).toBe(0);
    expect(await count(lag.binding.withSession("first-primary"))).toBe(2);

    await lag.catchUp(afterFirst);
    expect(lag.replicaBookmark()).toBe(afterFirst);
    expect(await count(lag.binding.withSession(afterFirst))).toBe(1);
    // A bookmark the replica has not reached is served by the primary.
    const ahead = lag.binding.withSession(afterSecond);
    expect(await count(ahead)).toBe(2);
    expect(lag.served.at(-1)).toBe("primary");

    // A write in a session moves its bookmark past the replica: its next read goes to the primary.
    const session = lag.binding.withSession("first-unconstrained");
    expect(await count(session)).toBe(1);
    await session.prepare("INSERT INTO rate_limit (id, key, count, last_request) VALUES (?, ?, 3, 0)").bind(crypto.randomUUID(), `${key}-3`).run();
    expect(session.getBookmark()).toBe(lag.primaryBookmark());
    expect(await count(session)).toBe(3);

    await lag.catchUp();
    expect(await count(lag.binding.withSession("first-unconstrained"))).toBe(3);
    expect(lag.served.at(-1)).toBe("replica");
  });
});
