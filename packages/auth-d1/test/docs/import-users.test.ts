/**
 * docs/migrating.md: docs/scripts/import-users.ts imports Clerk and Auth.js exports into D1, and the imported
 * users then sign in through createAuth: a Clerk bcrypt password through a custom `password.verify`, a
 * GitHub account linked in Auth.js through the real OAuth callback (GitHub's endpoints answered by a stub),
 * and a Google-only user after a password reset.
 */
import { env } from "cloudflare:test";
import bcrypt from "bcryptjs";
import { verifyPassword } from "better-auth/crypto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fromAuthJs, fromClerk, importUsers, type AuthJsAccount, type AuthJsUser, type ClerkUser, type ImportBatch } from "../../../../docs/scripts/import-users.js";
import { createAuth, type AuthD1Options } from "../../src/drizzle.js";
import type { AuthEmail } from "../../src/mail.js";
import { ISO_DATE, lastMailTo, rows, TestClient, uniqueEmail } from "../support/index.js";

const run = crypto.randomUUID().slice(0, 8);
const CLERK_PASSWORD = "clerk password 1234";
// bcryptjs.hashSync(CLERK_PASSWORD, 10), in the `$2a$` form Clerk's export uses.
const CLERK_DIGEST = "$2a$10$xK10w5gptecHEdKjChrPq.Oz/5rrTBWTUSEXwdp8WVY93MnQr4Boi";
const GITHUB_ID = 4242000 + Math.floor(Math.random() * 1000);

const ada = { id: `user_ada_${run}`, email: `Ada.${run}@Example.com`, googleSub: `1093${run}` };
const bob = { id: `user_bob_${run}`, email: `bob.${run}@example.com` };
const taken = { id: `user_taken_${run}`, email: uniqueEmail("taken") };
const carol = { id: `authjs-carol-${run}`, email: `carol.${run}@example.com` };

const clerkExport: ClerkUser[] = [
  {
    id: ada.id,
    first_name: "Ada",
    last_name: "Lovelace",
    image_url: "https://img.clerk.com/ada.png",
    has_image: true,
    primary_email_address_id: "idn_ada",
    email_addresses: [{ id: "idn_ada", email_address: ada.email, verification: { status: "verified" } }],
    external_accounts: [{ provider: "oauth_google", provider_user_id: ada.googleSub, approved_scopes: "email profile openid" }],
    created_at: Date.UTC(2024, 0, 2, 3, 4, 5),
    updated_at: Date.UTC(2025, 5, 6, 7, 8, 9),
  },
  {
    id: bob.id,
    first_name: null,
    last_name: null,
    username: "bob",
    image_url: "https://img.clerk.com/default.png",
    has_image: false,
    primary_email_address_id: "idn_bob",
    email_addresses: [{ id: "idn_bob", email_address: bob.email, verification: { status: "unverified" } }],
    password_digest: CLERK_DIGEST,
    password_hasher: "bcrypt",
    created_at: Date.UTC(2024, 1, 1),
    updated_at: Date.UTC(2024, 1, 1),
  },
  {
    id: taken.id,
    first_name: "Someone",
    last_name: "Else",
    primary_email_address_id: "idn_taken",
    email_addresses: [{ id: "idn_taken", email_address: taken.email, verification: { status: "verified" } }],
    external_accounts: [{ provider: "oauth_github", provider_user_id: `taken-${run}` }],
    created_at: Date.UTC(2024, 1, 1),
    updated_at: Date.UTC(2024, 1, 1),
  },
  { id: `user_phone_only_${run}`, first_name: "Phone", last_name: null, primary_email_address_id: null, email_addresses: [], created_at: 0, updated_at: 0 },
];

const authJsUsers: AuthJsUser[] = [
  { id: carol.id, name: "Carol", email: carol.email, emailVerified: "2024-03-04T05:06:07.000Z", image: null },
  { id: `authjs-noemail-${run}`, name: "No Email", email: null, emailVerified: null, image: null },
];
const authJsAccounts: AuthJsAccount[] = [
  { userId: carol.id, type: "oauth", provider: "github", providerAccountId: String(GITHUB_ID), access_token: "gho_old", expires_at: 1_800_000_000, scope: "read:user,user:email" },
  { userId: carol.id, type: "email", provider: "email", providerAccountId: carol.email },
];

const outbox: AuthEmail[] = [];
// The documented options: Clerk's bcrypt hashes verify with bcryptjs, everything else with better-auth's scrypt.
const options = {
  sendEmail: (mail) => void outbox.push(mail),
  emailAndPassword: {
    enabled: true,
    password: {
      verify: async ({ hash, password }) => (hash.startsWith("$2") ? bcrypt.compare(password, hash) : verifyPassword({ hash, password })),
    },
  },
} satisfies AuthD1Options;
const withGitHub = { ...env, GITHUB_CLIENT_ID: "test-client-id", GITHUB_CLIENT_SECRET: "test-client-secret" };

let batch: ImportBatch;
let firstRun: { users: number; accounts: number };

beforeAll(async () => {
  // Someone signed up with this address before the import.
  await new TestClient(createAuth(env, options)).post("/sign-up/email", { email: taken.email, password: "a password of theirs", name: "Already here" });
  const clerk = fromClerk(clerkExport);
  const authJs = fromAuthJs({ users: authJsUsers, accounts: authJsAccounts });
  batch = { users: [...clerk.users, ...authJs.users], accounts: [...clerk.accounts, ...authJs.accounts], skipped: [...clerk.skipped, ...authJs.skipped] };
  firstRun = await importUsers(env.DB, batch, { chunkSize: 2 });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("docs/scripts/import-users.ts", () => {
  it("skips source users without an email, and users whose email is already taken with their accounts", async () => {
    expect(batch.skipped).toEqual([`user_phone_only_${run}`, `authjs-noemail-${run}`]);
    expect(firstRun).toEqual({ users: 3, accounts: 3 });
    expect(await rows("SELECT id FROM user WHERE id = ?", taken.id)).toEqual([]);
    expect(await rows("SELECT id FROM account WHERE user_id = ?", taken.id)).toEqual([]);
  });

  it("writes snake_case rows with ISO_DATE dates, lower-case emails and 0/1 booleans", async () => {
    const [user] = await rows("SELECT * FROM user WHERE id = ?", ada.id);
    expect(user).toMatchObject({ email: ada.email.toLowerCase(), name: "Ada Lovelace", email_verified: 1, image: "https://img.clerk.com/ada.png" });
    expect(user).toMatchObject({ created_at: "2024-01-02T03:04:05.000Z", updated_at: "2025-06-06T07:08:09.000Z" });
    expect(await rows("SELECT name, email_verified, image FROM user WHERE id = ?", bob.id)).toEqual([{ name: "bob", email_verified: 0, image: null }]);
    const accounts = await rows<Record<string, string | null>>("SELECT * FROM account WHERE user_id IN (?, ?, ?) ORDER BY provider_id", ada.id, bob.id, carol.id);
    expect(accounts.map((a) => [a.provider_id, a.account_id])).toEqual([
      ["credential", bob.id],
      ["github", String(GITHUB_ID)],
      ["google", ada.googleSub],
    ]);
    expect(accounts[0]!.password).toBe(CLERK_DIGEST);
    expect(accounts[1]).toMatchObject({ access_token: "gho_old", access_token_expires_at: "2027-01-15T08:00:00.000Z" });
    for (const account of accounts) expect(account.created_at).toMatch(ISO_DATE);
  });

  it("writes nothing the second time", async () => {
    const count = async () => (await rows<{ n: number }>("SELECT (SELECT count(*) FROM user) + (SELECT count(*) FROM account) AS n"))[0]!.n;
    const before = await count();
    expect(await importUsers(env.DB, batch)).toEqual({ users: 0, accounts: 0 });
    expect(await count()).toBe(before);
  });

  it("signs a Clerk user in with the bcrypt password Clerk exported", async () => {
    expect(await bcrypt.compare(CLERK_PASSWORD, CLERK_DIGEST)).toBe(true);
    const client = new TestClient(createAuth(env, options));
    expect((await client.post("/sign-in/email", { email: bob.email, password: "not the password" })).status).toBe(401);
    const res = await client.post("/sign-in/email", { email: bob.email, password: CLERK_PASSWORD });
    expect(res.status).toBe(200);
    expect((await client.get("/get-session")).body.user).toMatchObject({ id: bob.id, email: bob.email });
  });

  it("finds a Clerk user's Google account the way the OAuth callback looks it up", async () => {
    const context = await createAuth(env, options).$context;
    const owner = await context.internalAdapter.findAccountOwnerByKey({ providerId: "google", accountId: ada.googleSub });
    expect(owner).toMatchObject({ kind: "owned", user: { id: ada.id }, account: { providerId: "google", accountId: ada.googleSub } });
  });

  it("signs an Auth.js user in through GitHub's OAuth callback, onto the imported account", async () => {
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = new Request(input, init).url;
      if (url === "https://github.com/login/oauth/access_token") return Response.json({ access_token: "gho_new", token_type: "bearer", scope: "read:user,user:email" });
      if (url === "https://api.github.com/user") return Response.json({ id: GITHUB_ID, login: "carol", name: "Carol", email: carol.email, avatar_url: null });
      if (url === "https://api.github.com/user/emails") return Response.json([{ email: carol.email, primary: true, verified: true }]);
      return realFetch(input, init);
    });
    const browser = new TestClient(createAuth(withGitHub, options));
    const start = await browser.post("/sign-in/social", { provider: "github", callbackURL: "/dashboard" });
    expect(start.status).toBe(200);
    const state = new URL(start.body.url).searchParams.get("state");
    const callback = await browser.raw(`/callback/github?code=test-code&state=${state}`);
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe("/dashboard");

    expect((await browser.get("/get-session")).body.user).toMatchObject({ id: carol.id, email: carol.email });
    const accounts = await rows("SELECT provider_id, access_token FROM account WHERE user_id = ?", carol.id);
    expect(accounts).toEqual([{ provider_id: "github", access_token: "gho_new" }]);
  });

  it("lets a social-only user set a password by reset, then lists both sign-ins", async () => {
    const email = ada.email.toLowerCase();
    expect((await new TestClient(createAuth(env, options)).post("/request-password-reset", { email, redirectTo: "/reset" })).status).toBe(200);
    const { token } = lastMailTo(outbox, email, "reset-password");
    expect((await new TestClient(createAuth(env, options)).post("/reset-password", { token, newPassword: "a password for ada" })).status).toBe(200);

    const client = new TestClient(createAuth(env, options));
    expect((await client.post("/sign-in/email", { email, password: "a password for ada" })).status).toBe(200);
    expect((await client.get("/get-session")).body.user.id).toBe(ada.id);
    const accounts = await client.get<Array<{ providerId: string; accountId: string }>>("/list-accounts");
    expect(accounts.body.map((a) => [a.providerId, a.accountId]).sort()).toEqual([
      ["credential", ada.id],
      ["google", ada.googleSub],
    ]);
  });
});
