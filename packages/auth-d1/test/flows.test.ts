import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { adapters, ISO_DATE, lastMailTo, PASSWORD, rows, sessionCount, signedUp, TestClient, uniqueEmail } from "./support/index.js";

async function userRow(email: string) {
  return (await rows<Record<string, unknown>>("SELECT * FROM user WHERE email = ?", email))[0];
}

describe.each(adapters)("$name adapter over HTTP", ({ name, createAuth, outbox, options }) => {
  const auth = () => createAuth(env, options);

  const signUp = (label: string) => signedUp(auth(), `${name}-${label}`);

  it("signs up: user, credential account and session rows, a verification mail", async () => {
    const { client, email, userId } = await signUp("signup");
    const user = await userRow(email);
    expect(user).toMatchObject({ id: userId, name: "Ada Lovelace", email, email_verified: 0, image: null });
    expect(user!.created_at).toMatch(ISO_DATE);
    const [account] = await rows<Record<string, string>>("SELECT * FROM account WHERE user_id = ?", userId);
    expect(account).toMatchObject({ provider_id: "credential", account_id: userId });
    expect(account!.password).not.toContain(PASSWORD);
    const [session] = await rows<Record<string, string>>("SELECT * FROM session WHERE user_id = ?", userId);
    expect(session!.token).toBe(client.sessionToken);
    expect(session!.expires_at).toMatch(ISO_DATE);
    expect(new Date(session!.expires_at!).getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);
    expect(lastMailTo(outbox, email, "verify-email").url).toContain("/verify-email?token=");
  });

  it("refuses a second sign-up with the same email and writes nothing", async () => {
    const { email } = await signUp("dupe");
    const res = await new TestClient(auth()).post("/sign-up/email", { email, password: PASSWORD, name: "Imposter" });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
    expect(await rows("SELECT id FROM user WHERE email = ?", email)).toHaveLength(1);
  });

  it("signs in with the right password and refuses the wrong one", async () => {
    const { email, userId } = await signUp("signin");
    const wrong = await new TestClient(auth()).post("/sign-in/email", { email, password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe("INVALID_EMAIL_OR_PASSWORD");
    expect(await sessionCount(userId)).toBe(1);
    const unknown = await new TestClient(auth()).post("/sign-in/email", { email: uniqueEmail("nobody"), password: PASSWORD });
    expect(unknown.status).toBe(401);
    const device = new TestClient(auth());
    const right = await device.post("/sign-in/email", { email, password: PASSWORD });
    expect(right.status).toBe(200);
    expect(right.body.user).toMatchObject({ id: userId, email, emailVerified: false });
    expect(device.sessionToken).toBeDefined();
    expect(await sessionCount(userId)).toBe(2);
  });

  it("gets the session with the cookie, and null without it", async () => {
    const { client, email, userId } = await signUp("session");
    const res = await client.get("/get-session");
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: userId, email, name: "Ada Lovelace", emailVerified: false });
    expect(new Date(res.body.session.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(res.body.session.token).toBe(client.sessionToken);
    const anonymous = await new TestClient(auth()).get("/get-session");
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toBeNull();
  });

  it("signs out: the session row is gone and the cookie no longer works", async () => {
    const { client, userId } = await signUp("signout");
    const stolen = new TestClient(auth());
    await stolen.post("/sign-in/email", { email: (await rows<{ email: string }>("SELECT email FROM user WHERE id = ?", userId))[0]!.email, password: PASSWORD });
    const token = client.sessionToken;
    const res = await client.post("/sign-out", {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect(await rows("SELECT id FROM session WHERE token = ?", token)).toHaveLength(0);
    expect((await client.get("/get-session")).body).toBeNull();
    expect((await stolen.get("/get-session")).body.user.id).toBe(userId);
  });

  it("changes the password, revoking other sessions", async () => {
    const { client, email, userId } = await signUp("changepw");
    const other = new TestClient(auth());
    await other.post("/sign-in/email", { email, password: PASSWORD });
    const wrongCurrent = await client.post("/change-password", { currentPassword: "wrong password!", newPassword: "a brand new password" });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.body.code).toBe("INVALID_PASSWORD");
    const res = await client.post("/change-password", { currentPassword: PASSWORD, newPassword: "a brand new password", revokeOtherSessions: true });
    expect(res.status).toBe(200);
    expect((await other.get("/get-session")).body).toBeNull();
    expect((await client.get("/get-session")).body.user.id).toBe(userId);
    expect(await sessionCount(userId)).toBe(1);
    expect((await new TestClient(auth()).post("/sign-in/email", { email, password: PASSWORD })).status).toBe(401);
    expect((await new TestClient(auth()).post("/sign-in/email", { email, password: "a brand new password" })).status).toBe(200);
  });

  it("updates the user, and the session shows it at once", async () => {
    const { client, email } = await signUp("update");
    const res = await client.post("/update-user", { name: "Grace Hopper", image: "https://example.com/grace.png" });
    expect(res.status).toBe(200);
    expect(await userRow(email)).toMatchObject({ name: "Grace Hopper", image: "https://example.com/grace.png" });
    expect((await client.get("/get-session")).body.user).toMatchObject({ name: "Grace Hopper", image: "https://example.com/grace.png" });
    const refused = await client.post("/update-user", { email: "sneaky@example.com" });
    expect(refused.status).toBe(400);
    expect(await userRow(email)).toMatchObject({ email });
  });

  /** Follows a mailed link through the handler, as the user's click would; it lands back on the app. */
  async function follow(client: TestClient, url: string): Promise<void> {
    const link = new URL(url);
    const res = await client.raw(link.pathname.replace("/api/auth", "") + link.search);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
  }

  it("changes an unverified email once the new address is verified", async () => {
    const { client, email, userId } = await signUp("chemail");
    const newEmail = uniqueEmail(`${name}-chemail-new`);
    expect((await client.post("/change-email", { newEmail })).status).toBe(200);
    expect(await userRow(email)).toMatchObject({ id: userId });
    await follow(client, lastMailTo(outbox, newEmail, "verify-email").url);
    expect(await userRow(email)).toBeUndefined();
    // better-auth keeps the verified flag the account had: it was unverified before the change.
    expect(await userRow(newEmail)).toMatchObject({ id: userId, email: newEmail, email_verified: 0 });
    expect((await client.get("/get-session")).body.user.email).toBe(newEmail);
  });

  it("changes a verified email after the old address approves and the new one verifies", async () => {
    const { client, email, userId } = await signUp("chverified");
    await follow(client, lastMailTo(outbox, email, "verify-email").url);
    expect(await userRow(email)).toMatchObject({ email_verified: 1 });
    const newEmail = uniqueEmail(`${name}-chverified-new`);
    expect((await client.post("/change-email", { newEmail })).status).toBe(200);
    const approval = lastMailTo(outbox, email, "change-email");
    expect(await userRow(email)).toMatchObject({ id: userId });
    await follow(client, approval.url);
    expect(await userRow(email)).toMatchObject({ id: userId });
    await follow(client, lastMailTo(outbox, newEmail, "verify-email").url);
    expect(await userRow(email)).toBeUndefined();
    expect(await userRow(newEmail)).toMatchObject({ id: userId, email_verified: 1 });
  });

  it("lists sessions and revokes one, the others, then all", async () => {
    const { client, email, userId } = await signUp("sessions");
    const devices = [new TestClient(auth()), new TestClient(auth()), new TestClient(auth())];
    for (const device of devices) expect((await device.post("/sign-in/email", { email, password: PASSWORD })).status).toBe(200);
    const listed = await client.get("/list-sessions");
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(4);
    expect(listed.body.map((s: { userId: string }) => s.userId)).toEqual(Array(4).fill(userId));

    const one = await client.post("/revoke-session", { token: devices[0]!.sessionToken });
    expect(one.status).toBe(200);
    expect((await devices[0]!.get("/get-session")).body).toBeNull();
    expect(await sessionCount(userId)).toBe(3);

    const others = await client.post("/revoke-other-sessions", {});
    expect(others.status).toBe(200);
    expect((await devices[1]!.get("/get-session")).body).toBeNull();
    expect((await client.get("/get-session")).body.user.id).toBe(userId);
    expect(await sessionCount(userId)).toBe(1);

    await devices[2]!.post("/sign-in/email", { email, password: PASSWORD });
    const all = await client.post("/revoke-sessions", {});
    expect(all.status).toBe(200);
    expect(await sessionCount(userId)).toBe(0);
    expect((await client.get("/get-session")).body).toBeNull();
  });

  it("cannot revoke another user's session", async () => {
    const alice = await signUp("alice");
    const bob = await signUp("bob");
    await alice.client.post("/revoke-session", { token: bob.client.sessionToken });
    expect((await bob.client.get("/get-session")).body.user.id).toBe(bob.userId);
  });

  it("deletes the user with the password, with their sessions and accounts", async () => {
    const { client, email, userId } = await signUp("delete");
    const wrong = await client.post("/delete-user", { password: "wrong password!" });
    expect(wrong.status).toBe(400);
    expect(await userRow(email)).toBeDefined();
    const res = await client.post("/delete-user", { password: PASSWORD });
    expect(res.status).toBe(200);
    expect(await userRow(email)).toBeUndefined();
    expect(await rows("SELECT id FROM account WHERE user_id = ?", userId)).toHaveLength(0);
    expect(await sessionCount(userId)).toBe(0);
  });

  it("resets a forgotten password with the mailed token, once", async () => {
    const { client, email, userId } = await signUp("reset");
    const asked = await new TestClient(auth()).post("/request-password-reset", { email, redirectTo: "/reset" });
    expect(asked.status).toBe(200);
    const unknown = await new TestClient(auth()).post("/request-password-reset", { email: uniqueEmail("nobody"), redirectTo: "/reset" });
    expect(unknown.status).toBe(200); // no account enumeration
    const mail = lastMailTo(outbox, email, "reset-password");
    expect(mail.subject).toMatch(/reset/i);
    const bad = await new TestClient(auth()).post("/reset-password", { token: "not-a-token", newPassword: "another new password" });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("INVALID_TOKEN");
    const res = await new TestClient(auth()).post("/reset-password", { token: mail.token, newPassword: "another new password" });
    expect(res.status).toBe(200);
    const again = await new TestClient(auth()).post("/reset-password", { token: mail.token, newPassword: "yet another password" });
    expect(again.status).toBe(400);
    expect(await sessionCount(userId)).toBe(0);
    expect((await client.get("/get-session")).body).toBeNull();
    expect((await new TestClient(auth()).post("/sign-in/email", { email, password: PASSWORD })).status).toBe(401);
    expect((await new TestClient(auth()).post("/sign-in/email", { email, password: "another new password" })).status).toBe(200);
  });

  it("sends and verifies the email", async () => {
    const { client, email } = await signUp("verify");
    const sent = await client.post("/send-verification-email", { email });
    expect(sent.status).toBe(200);
    const mail = lastMailTo(outbox, email, "verify-email");
    expect(mail.subject).toMatch(/verify/i);
    const forged = await client.raw("/verify-email?token=forged");
    expect(forged.status).toBe(401);
    expect(await userRow(email)).toMatchObject({ email_verified: 0 });
    await follow(client, mail.url);
    expect(await userRow(email)).toMatchObject({ email_verified: 1 });
    expect((await client.get("/get-session")).body.user.emailVerified).toBe(true);
  });
});
