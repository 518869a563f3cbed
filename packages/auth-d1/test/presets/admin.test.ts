import { env } from "cloudflare:test";
import { admin as adminPlugin } from "better-auth/plugins/admin";
import { describe, expect, it } from "vitest";
import { resolvePresets } from "../../src/preset.js";
import * as presets from "../../src/presets/index.js";
import { adaptersWith, factories, ISO_DATE, type JsonResponse, PASSWORD, rows, signedUp, TestClient, uniqueEmail } from "../support/index.js";

const both = adaptersWith((sendEmail) => ({ sendEmail, plugins: [presets.admin()] }));

async function userRow(id: string): Promise<Record<string, unknown> | undefined> {
  return (await rows("SELECT * FROM user WHERE id = ?", id))[0];
}

/** An error response as better-auth sends it: the status and the UPPER_SNAKE code in the JSON body. */
function expectError(res: JsonResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
}

async function sessionTokens(userId: string): Promise<string[]> {
  return (await rows<{ token: string }>("SELECT token FROM session WHERE user_id = ? ORDER BY token", userId)).map((r) => r.token);
}

describe.each(both)("$name: presets.admin over HTTP", ({ name, auth }) => {
  const signUp = (label: string) => signedUp(auth(), `${name}-${label}`);

  /**
   * The first admin is made the way a deployer makes one: sign up, then set `role` in D1
   * (`wrangler d1 execute`). `adminUserIds` would need the id when the options object is built, once
   * per isolate, and ids are only known after sign-up.
   */
  async function signedUpAdmin(label: string) {
    const admin = await signUp(label);
    await env.DB.prepare("UPDATE user SET role = 'admin' WHERE id = ?").bind(admin.userId).run();
    return admin;
  }

  async function signIn(email: string, password: string) {
    const client = new TestClient(auth());
    return { client, res: await client.post("/sign-in/email", { email, password }) };
  }

  it("creates a user with role user and a credential account they can sign in with", async () => {
    const admin = await signedUpAdmin("create-admin");
    const email = uniqueEmail(`${name}-created`);
    const res = await admin.client.post("/admin/create-user", { email: email.toUpperCase(), password: PASSWORD, name: "New Hire" });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email, name: "New Hire", role: "user", banned: false });
    const id = res.body.user.id as string;
    expect(await userRow(id)).toMatchObject({ email, name: "New Hire", role: "user", banned: 0, email_verified: 0, ban_reason: null });
    expect(await rows("SELECT provider_id, account_id FROM account WHERE user_id = ?", id)).toEqual([{ provider_id: "credential", account_id: id }]);
    expect(await sessionTokens(id)).toEqual([]);
    expect((await signIn(email, PASSWORD)).res.status).toBe(200);

    const again = await admin.client.post("/admin/create-user", { email, password: PASSWORD, name: "Twin" });
    expectError(again, 400, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
    expect(await rows("SELECT id FROM user WHERE email = ?", email)).toHaveLength(1);
  });

  it("lists users by email or name search, sorted, with limit, offset and total", async () => {
    const admin = await signedUpAdmin("list-admin");
    const tag = crypto.randomUUID().slice(0, 8);
    const created: Record<string, string> = {};
    for (const first of ["Carol", "Alice", "Dave", "Bob"]) {
      const res = await admin.client.post("/admin/create-user", { email: uniqueEmail(`${name}-${tag}-${first.toLowerCase()}`), password: PASSWORD, name: `${tag} ${first}` });
      expect(res.status).toBe(200);
      created[first] = res.body.user.id;
    }
    const list = (query: Record<string, string>) => admin.client.get(`/admin/list-users?${new URLSearchParams(query)}`);
    const names = (body: { users: { name: string }[] }) => body.users.map((u) => u.name.replace(`${tag} `, ""));

    const byEmail = await list({ searchValue: tag, searchField: "email", sortBy: "name", sortDirection: "asc" });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.total).toBe(4);
    expect(names(byEmail.body)).toEqual(["Alice", "Bob", "Carol", "Dave"]);
    expect(byEmail.body.users.map((u: { id: string }) => u.id)).toEqual([created.Alice, created.Bob, created.Carol, created.Dave]);

    const page = await list({ searchValue: tag, searchField: "name", searchOperator: "starts_with", sortBy: "name", sortDirection: "desc", limit: "2", offset: "1" });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(names(page.body)).toEqual(["Carol", "Bob"]);
    const last = await list({ searchValue: tag, searchField: "name", sortBy: "name", sortDirection: "desc", limit: "2", offset: "3" });
    expect(names(last.body)).toEqual(["Alice"]);
    expect(last.body.total).toBe(4);

    const one = await list({ searchValue: `${tag} Bo`, searchField: "name", searchOperator: "starts_with" });
    expect(one.body).toMatchObject({ total: 1, users: [{ id: created.Bob, role: "user" }] });
    const none = await list({ searchValue: tag, searchField: "name", searchOperator: "ends_with" });
    expect(none.body).toMatchObject({ total: 0, users: [] });
  });

  it("sets a role: the promoted user can use admin endpoints until demoted", async () => {
    const admin = await signedUpAdmin("role-admin");
    const user = await signUp("role-user");
    expect(await userRow(user.userId)).toMatchObject({ role: "user" });
    expect((await user.client.get("/admin/list-users")).status).toBe(403);

    const promoted = await admin.client.post("/admin/set-role", { userId: user.userId, role: "admin" });
    expect(promoted.status).toBe(200);
    expect(promoted.body.user).toMatchObject({ id: user.userId, role: "admin" });
    expect(await userRow(user.userId)).toMatchObject({ role: "admin" });
    expect((await user.client.get("/admin/list-users")).status).toBe(200);

    expect((await admin.client.post("/admin/set-role", { userId: user.userId, role: "user" })).status).toBe(200);
    expect(await userRow(user.userId)).toMatchObject({ role: "user" });
    expect((await user.client.get("/admin/list-users")).status).toBe(403);
  });

  it("bans a user: their sessions are revoked and sign-in is refused; unban lets them back", async () => {
    const admin = await signedUpAdmin("ban-admin");
    const user = await signUp("banned");
    const device = await signIn(user.email, PASSWORD);
    expect(await sessionTokens(user.userId)).toHaveLength(2);

    const res = await admin.client.post("/admin/ban-user", { userId: user.userId, banReason: "spam" });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: user.userId, banned: true, banReason: "spam", banExpires: null });
    expect(await userRow(user.userId)).toMatchObject({ banned: 1, ban_reason: "spam", ban_expires: null });
    expect(await sessionTokens(user.userId)).toEqual([]);
    expect((await user.client.get("/get-session")).body).toBeNull();
    expect((await device.client.get("/get-session")).body).toBeNull();

    const refused = await signIn(user.email, PASSWORD);
    expectError(refused.res, 403, "BANNED_USER");
    expect(refused.client.sessionToken).toBeUndefined();
    expect(await sessionTokens(user.userId)).toEqual([]);

    const self = await admin.client.post("/admin/ban-user", { userId: admin.userId });
    expectError(self, 400, "YOU_CANNOT_BAN_YOURSELF");

    const unbanned = await admin.client.post("/admin/unban-user", { userId: user.userId });
    expect(unbanned.status).toBe(200);
    expect(unbanned.body.user).toMatchObject({ banned: false, banReason: null, banExpires: null });
    expect(await userRow(user.userId)).toMatchObject({ banned: 0, ban_reason: null, ban_expires: null });
    expect((await signIn(user.email, PASSWORD)).res.status).toBe(200);
  });

  it("ends a ban with an expiry: once ban_expires has passed, sign-in works and clears the ban", async () => {
    const admin = await signedUpAdmin("expiry-admin");
    const user = await signUp("expiring");
    const res = await admin.client.post("/admin/ban-user", { userId: user.userId, banExpiresIn: 3600 });
    expect(res.status).toBe(200);
    const row = await userRow(user.userId);
    expect(row).toMatchObject({ banned: 1, ban_reason: "No reason" });
    expect(row!.ban_expires).toMatch(ISO_DATE);
    expect(Date.parse(row!.ban_expires as string)).toBeGreaterThan(Date.now());
    expectError((await signIn(user.email, PASSWORD)).res, 403, "BANNED_USER");

    const past = new Date(Date.now() - 60_000).toISOString();
    await env.DB.prepare("UPDATE user SET ban_expires = ? WHERE id = ?").bind(past, user.userId).run();
    const back = await signIn(user.email, PASSWORD);
    expect(back.res.status).toBe(200);
    expect((await back.client.get("/get-session")).body.user.id).toBe(user.userId);
    expect(await userRow(user.userId)).toMatchObject({ banned: 0, ban_reason: null, ban_expires: null });
  });

  it("impersonates a user and stops, back to the admin's own session", async () => {
    const admin = await signedUpAdmin("imp-admin");
    const target = await signUp("imp-target");
    const adminToken = admin.client.sessionToken;

    const res = await admin.client.post("/admin/impersonate-user", { userId: target.userId });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(target.userId);
    expect(res.body.session).toMatchObject({ userId: target.userId, impersonatedBy: admin.userId });
    const impersonationToken = admin.client.sessionToken;
    expect(impersonationToken).toBe(res.body.session.token);
    const [row] = await rows<Record<string, string>>("SELECT * FROM session WHERE token = ?", impersonationToken);
    expect(row).toMatchObject({ user_id: target.userId, impersonated_by: admin.userId });
    expect(Date.parse(row!.expires_at!)).toBeLessThanOrEqual(Date.now() + 3600_000); // one hour: the preset's cap, and better-auth's default
    expect(await rows("SELECT id FROM session WHERE token = ?", adminToken)).toHaveLength(1);

    const session = await admin.client.get("/get-session");
    expect(session.body.user).toMatchObject({ id: target.userId, email: target.email });
    expect(session.body.session.impersonatedBy).toBe(admin.userId);
    expect((await admin.client.post("/update-user", { name: "Renamed By Support" })).status).toBe(200);
    expect(await userRow(target.userId)).toMatchObject({ name: "Renamed By Support" });
    // The target's own device list leaves the impersonation session out, though it is in D1.
    expect(await sessionTokens(target.userId)).toHaveLength(2);
    expect((await target.client.get("/list-sessions")).body.map((s: { token: string }) => s.token)).toEqual([target.client.sessionToken]);

    const stopped = await admin.client.post("/admin/stop-impersonating", {});
    expect(stopped.status).toBe(200);
    expect(stopped.body.user.id).toBe(admin.userId);
    expect(admin.client.sessionToken).toBe(adminToken);
    expect((await admin.client.get("/get-session")).body.user.id).toBe(admin.userId);
    expect(await rows("SELECT id FROM session WHERE token = ?", impersonationToken)).toHaveLength(0);
    expect(await sessionTokens(target.userId)).toEqual([target.client.sessionToken]);
  });

  it("refuses to impersonate another admin", async () => {
    const admin = await signedUpAdmin("imp-admin2");
    const other = await signedUpAdmin("imp-other-admin");
    const res = await admin.client.post("/admin/impersonate-user", { userId: other.userId });
    expectError(res, 403, "YOU_CANNOT_IMPERSONATE_ADMINS");
    expect(await sessionTokens(other.userId)).toEqual([other.client.sessionToken]);
    expect((await admin.client.get("/get-session")).body.user.id).toBe(admin.userId);
  });

  it("lists a user's sessions and revokes one, then all", async () => {
    const admin = await signedUpAdmin("sess-admin");
    const user = await signUp("sess-user");
    const devices = [(await signIn(user.email, PASSWORD)).client, (await signIn(user.email, PASSWORD)).client];
    const listed = await admin.client.post("/admin/list-user-sessions", { userId: user.userId });
    expect(listed.status).toBe(200);
    const tokens = listed.body.sessions.map((s: { token: string; userId: string }) => (expect(s.userId).toBe(user.userId), s.token));
    expect(tokens.sort()).toEqual(await sessionTokens(user.userId));
    expect(tokens).toHaveLength(3);

    const one = await admin.client.post("/admin/revoke-user-session", { sessionToken: devices[0]!.sessionToken });
    expect(one).toMatchObject({ status: 200, body: { success: true } });
    expect((await devices[0]!.get("/get-session")).body).toBeNull();
    expect((await devices[1]!.get("/get-session")).body.user.id).toBe(user.userId);
    expect(await sessionTokens(user.userId)).toHaveLength(2);

    const all = await admin.client.post("/admin/revoke-user-sessions", { userId: user.userId });
    expect(all).toMatchObject({ status: 200, body: { success: true } });
    expect(await sessionTokens(user.userId)).toEqual([]);
    expect((await user.client.get("/get-session")).body).toBeNull();
    expect((await admin.client.get("/get-session")).body.user.id).toBe(admin.userId);
  });

  it("sets a user's password: the old one fails, the new one works", async () => {
    const admin = await signedUpAdmin("pw-admin");
    const user = await signUp("pw-user");
    const [before] = await rows<{ password: string }>("SELECT password FROM account WHERE user_id = ?", user.userId);
    const res = await admin.client.post("/admin/set-user-password", { userId: user.userId, newPassword: "set by the admin" });
    expect(res).toMatchObject({ status: 200, body: { status: true } });
    const [after] = await rows<{ password: string }>("SELECT password FROM account WHERE user_id = ?", user.userId);
    expect(after!.password).not.toBe(before!.password);
    expect(after!.password).not.toContain("set by the admin");
    const old = await signIn(user.email, PASSWORD);
    expectError(old.res, 401, "INVALID_EMAIL_OR_PASSWORD");
    expect((await signIn(user.email, "set by the admin")).res.status).toBe(200);
  });

  it("removes a user with their sessions and accounts, but not the admin themself", async () => {
    const admin = await signedUpAdmin("rm-admin");
    const user = await signUp("rm-user");
    const self = await admin.client.post("/admin/remove-user", { userId: admin.userId });
    expectError(self, 400, "YOU_CANNOT_REMOVE_YOURSELF");
    expect(await userRow(admin.userId)).toBeDefined();

    const res = await admin.client.post("/admin/remove-user", { userId: user.userId });
    expect(res).toMatchObject({ status: 200, body: { success: true } });
    expect(await userRow(user.userId)).toBeUndefined();
    expect(await rows("SELECT id FROM account WHERE user_id = ?", user.userId)).toEqual([]);
    expect(await sessionTokens(user.userId)).toEqual([]);
    expect((await user.client.get("/get-session")).body).toBeNull();
    expect((await signIn(user.email, PASSWORD)).res.status).toBe(401);
  });

  it("answers 401 signed out and 403 to a non-admin on every admin endpoint, changing nothing in D1", async () => {
    const user = await signUp("nonadmin");
    const victim = await signUp("victim");
    const bannedVictim = await signUp("banned-victim");
    await env.DB.prepare("UPDATE user SET banned = 1, ban_reason = 'kept' WHERE id = ?").bind(bannedVictim.userId).run();
    const newEmail = uniqueEmail(`${name}-not-created`);
    const ids = [user.userId, victim.userId, bannedVictim.userId];
    const snapshot = async () => ({
      users: await rows(`SELECT * FROM user WHERE id IN (?, ?, ?) OR email = ? ORDER BY id`, ...ids, newEmail),
      sessions: await rows(`SELECT * FROM session WHERE user_id IN (?, ?, ?) ORDER BY id`, ...ids),
      accounts: await rows(`SELECT * FROM account WHERE user_id IN (?, ?, ?) ORDER BY id`, ...ids),
    });

    const forbidden: Record<string, { method: "GET" | "POST"; body?: unknown; query?: string; code: string }> = {
      "/admin/set-role": { method: "POST", body: { userId: user.userId, role: "admin" }, code: "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE" },
      "/admin/get-user": { method: "GET", query: `id=${victim.userId}`, code: "YOU_ARE_NOT_ALLOWED_TO_GET_USER" },
      "/admin/create-user": { method: "POST", body: { email: newEmail, password: PASSWORD, name: "Sock Puppet" }, code: "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS" },
      "/admin/update-user": { method: "POST", body: { userId: victim.userId, data: { name: "Pwned" } }, code: "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS" },
      "/admin/list-users": { method: "GET", query: "", code: "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS" },
      "/admin/list-user-sessions": { method: "POST", body: { userId: victim.userId }, code: "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS" },
      "/admin/unban-user": { method: "POST", body: { userId: bannedVictim.userId }, code: "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS" },
      "/admin/ban-user": { method: "POST", body: { userId: victim.userId, banReason: "mine" }, code: "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS" },
      "/admin/impersonate-user": { method: "POST", body: { userId: victim.userId }, code: "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS" },
      "/admin/revoke-user-session": { method: "POST", body: { sessionToken: victim.client.sessionToken }, code: "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS" },
      "/admin/revoke-user-sessions": { method: "POST", body: { userId: victim.userId }, code: "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS" },
      "/admin/remove-user": { method: "POST", body: { userId: victim.userId }, code: "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS" },
      "/admin/set-user-password": { method: "POST", body: { userId: victim.userId, newPassword: "taken over now" }, code: "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD" },
    };
    // Two endpoints are not admin actions upstream: stop-impersonating only ends the caller's own
    // impersonation, and has-permission answers for the caller (the `role` in the body is ignored
    // when there is a session).
    const notAdminActions: Record<string, unknown> = {
      "/admin/stop-impersonating": {},
      "/admin/has-permission": { role: "admin", permissions: { user: ["delete"] } },
    };
    const endpoints = Object.values(presets.admin().endpoints).map((e) => ({ path: e.path as string, method: e.options.method }));
    expect(endpoints.map((e) => e.path).sort()).toEqual([...Object.keys(forbidden), ...Object.keys(notAdminActions)].sort());

    const before = await snapshot();
    // Signed out, every admin endpoint (these two included) asks for a session first.
    for (const { path, method } of endpoints) {
      const anonymous = new TestClient(auth());
      const res = method === "GET" ? await anonymous.get(`${path}?${forbidden[path]?.query ?? ""}`) : await anonymous.post(path, forbidden[path]?.body ?? notAdminActions[path]);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }

    expect(await snapshot()).toEqual(before);
    for (const { path, method } of endpoints.filter((e) => e.path in forbidden)) {
      const call = forbidden[path]!;
      expect(method, path).toBe(call.method);
      const res = call.method === "GET" ? await user.client.get(`${path}?${call.query}`) : await user.client.post(path, call.body);
      expect({ path, status: res.status, code: res.body?.code }).toEqual({ path, status: 403, code: call.code });
      expect(await snapshot(), path).toEqual(before);
    }
    const stop = await user.client.post("/admin/stop-impersonating", notAdminActions["/admin/stop-impersonating"]);
    expect(stop.status).toBe(400);
    expect(stop.body.message).toBe("You are not impersonating anyone");
    const check = await user.client.post("/admin/has-permission", notAdminActions["/admin/has-permission"]);
    expect(check).toMatchObject({ status: 200, body: { success: false } });
    expect(await snapshot()).toEqual(before);
    expect((await user.client.get("/get-session")).body.user).toMatchObject({ id: user.userId, role: "user" });
  });
});

describe("presets.admin against plain better-auth admin()", () => {
  // Fixed options objects, as a Worker defines them once; each env below is a new object, so a new instance.
  const withPreset = { plugins: [presets.admin()] };
  const withPlainPlugin = { plugins: [adminPlugin()] };

  async function firstUser(auth: { handler: (request: Request) => Promise<Response> }): Promise<{ userId: string; client: TestClient }> {
    const client = new TestClient(auth);
    const res = await client.post("/sign-up/email", { email: uniqueEmail("first-admin"), password: PASSWORD, name: "First Admin" });
    expect(res.status).toBe(200);
    return { userId: res.body.user.id, client };
  }

  it("makes the users named in AUTH_ADMIN_USER_IDS admins, with no role written to D1", async () => {
    const { userId } = await firstUser(factories.drizzle(env, withPreset));
    const adminEnv = { ...env, AUTH_ADMIN_USER_IDS: ` other-id , ${userId}` };
    for (const createAuth of Object.values(factories)) {
      const signedIn = new TestClient(createAuth(adminEnv, withPreset));
      expect((await signedIn.post("/sign-in/email", { email: (await userRow(userId))!.email, password: PASSWORD })).status).toBe(200);
      expect((await signedIn.get("/admin/list-users?limit=1")).status).toBe(200);
    }
    expect((await userRow(userId))!.role).toBe("user");
  });

  it("plain admin() ignores the var: the same user is refused", async () => {
    const { userId } = await firstUser(factories.drizzle(env, withPlainPlugin));
    const signedIn = new TestClient(factories.drizzle({ ...env, AUTH_ADMIN_USER_IDS: userId }, withPlainPlugin));
    expect((await signedIn.post("/sign-in/email", { email: (await userRow(userId))!.email, password: PASSWORD })).status).toBe(200);
    expectError(await signedIn.get("/admin/list-users?limit=1"), 403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS");
  });

  it("keeps adminUserIds passed in options next to the var's", () => {
    const plugin = resolvePresets([presets.admin({ adminUserIds: ["from-options"] })], {
      baseURL: undefined,
      origin: undefined,
      trustedOrigins: [],
      appName: undefined,
      sendEmail: undefined,
      adminUserIds: ["from-env"],
    })[0] as ReturnType<typeof adminPlugin>;
    expect(plugin.options?.adminUserIds).toEqual(["from-env", "from-options"]);
  });
});
