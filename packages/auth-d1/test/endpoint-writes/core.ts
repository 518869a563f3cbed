/**
 * How to drive better-auth's own endpoints (and Google's) to their writes, by path; endpoints only server code
 * calls go by their `auth.api` name.
 */
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { anotherDevice, googleCode, googleIdToken, lastMailTo, one, pathOf, PASSWORD, TestClient, uniqueEmail, withGoogleTokenEndpoint, type SignedUpUser } from "../support/index.js";
import { readOnly, served, type Driver, type World } from "./world.js";

const NEW_PASSWORD = `${PASSWORD} changed`;

/** A signed-in user with a Google account linked by id token, carrying a refresh token; its row id. */
async function withGoogle(w: World, label: string): Promise<SignedUpUser & { accountId: string }> {
  const user = await w.user(label);
  const idToken = { token: googleIdToken(user.email), accessToken: "google-access", refreshToken: "google-refresh" };
  expect((await user.client.post("/link-social", { provider: "google", idToken })).status).toBe(200);
  const account = await one<{ id: string }>("SELECT id FROM account WHERE user_id = ? AND provider_id = 'google'", user.userId);
  return { ...user, accountId: account!.id };
}

/** {@link withGoogle}, with the access token expired in D1, so reading it refreshes it first. */
async function withExpiredGoogleToken(w: World, label: string): Promise<SignedUpUser & { accountId: string }> {
  const user = await withGoogle(w, label);
  await env.DB.prepare("UPDATE account SET access_token_expires_at = ? WHERE id = ?").bind(new Date(Date.now() - 60_000).toISOString(), user.accountId).run();
  return user;
}

/** The reset token mailed to a new user who asked for one. */
async function resetToken(w: World, label: string): Promise<SignedUpUser & { token: string }> {
  const user = await w.user(label);
  expect((await user.client.post("/request-password-reset", { email: user.email, redirectTo: "/reset" })).status).toBe(200);
  return { ...user, token: lastMailTo(w.outbox, user.email, "reset-password").token };
}

export const coreDrivers: Record<string, Driver> = {
  "/sign-in/social": async (w) => {
    const client = new TestClient(w.auth());
    const email = uniqueEmail(`${w.name}-ew-social`);
    return () => client.post("/sign-in/social", { provider: "google", idToken: { token: googleIdToken(email) } });
  },
  "/callback/:id": async (w) => {
    const client = new TestClient(w.auth());
    const started = await client.post("/sign-in/social", { provider: "google", callbackURL: "/dashboard" });
    const state = new URL(started.body.url).searchParams.get("state")!;
    const code = googleCode(uniqueEmail(`${w.name}-ew-callback`));
    return () => withGoogleTokenEndpoint(() => client.raw(`/callback/google?${new URLSearchParams({ code, state })}`));
  },
  "/get-session": readOnly(async (w) => {
    const { client } = await w.user("get-session");
    return () => client.get("/get-session");
  }),
  "/sign-out": async (w) => {
    const { client } = await w.user("sign-out");
    return () => client.post("/sign-out", {});
  },
  "/sign-up/email": async (w) => {
    const client = new TestClient(w.auth());
    return () => client.post("/sign-up/email", { email: uniqueEmail(`${w.name}-ew-sign-up`), password: PASSWORD, name: "Ada" });
  },
  "/sign-in/email": async (w) => {
    const { email } = await w.user("sign-in");
    const client = new TestClient(w.auth());
    return () => client.post("/sign-in/email", { email, password: PASSWORD });
  },
  "/reset-password": async (w) => {
    const { client, token } = await resetToken(w, "reset");
    return () => client.post("/reset-password", { token, newPassword: NEW_PASSWORD });
  },
  "/verify-password": readOnly(async (w) => {
    const { client } = await w.user("verify-password");
    return () => client.post("/verify-password", { password: PASSWORD });
  }),
  "/verify-email": async (w) => {
    // Followed on another device, with no session: the address is verified and that device signed in.
    const { email } = await w.user("verify-email");
    const path = pathOf(lastMailTo(w.outbox, email, "verify-email").url);
    return () => new TestClient(w.auth()).raw(path);
  },
  "/send-verification-email": readOnly(async (w) => {
    const { client, email } = await w.user("send-verification");
    return () => client.post("/send-verification-email", { email });
  }),
  "/change-email": readOnly(async (w) => {
    // Mails a signed link (no row): the address changes when the link is followed, at /verify-email.
    const { client } = await w.user("change-email");
    return () => client.post("/change-email", { newEmail: uniqueEmail(`${w.name}-ew-changed`) });
  }),
  "/change-password": async (w) => {
    const { client, userId } = await w.user("change-password");
    await anotherDevice(userId);
    return () => client.post("/change-password", { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, revokeOtherSessions: true });
  },
  "auth.api.setPassword": async (w) => {
    // A Google-only user: setting a first password adds their credential account.
    const client = new TestClient(w.auth());
    expect((await client.post("/sign-in/social", { provider: "google", idToken: { token: googleIdToken(uniqueEmail(`${w.name}-ew-set-password`)) } })).status).toBe(200);
    return () => served(w.auth().api.setPassword({ body: { newPassword: PASSWORD }, headers: w.headersOf(client) }));
  },
  "/update-user": async (w) => {
    const { client } = await w.user("update-user");
    return () => client.post("/update-user", { name: "Renamed" });
  },
  "/delete-user": async (w) => {
    const { client, userId } = await w.user("delete-user");
    await anotherDevice(userId);
    return () => client.post("/delete-user", { password: PASSWORD });
  },
  "/request-password-reset": async (w) => {
    const { client, email } = await w.user("request-reset");
    return () => client.post("/request-password-reset", { email, redirectTo: "/reset" });
  },
  "/reset-password/:token": readOnly(async (w) => {
    const { client, token } = await resetToken(w, "reset-link");
    return () => client.raw(`/reset-password/${token}?callbackURL=${encodeURIComponent("/reset")}`);
  }),
  "/list-sessions": readOnly(async (w) => {
    const { client } = await w.user("list-sessions");
    return () => client.get("/list-sessions");
  }),
  "/revoke-session": async (w) => {
    const { client, userId } = await w.user("revoke-session");
    const token = await anotherDevice(userId);
    return () => client.post("/revoke-session", { token });
  },
  "/revoke-sessions": async (w) => {
    const { client, userId } = await w.user("revoke-sessions");
    await anotherDevice(userId);
    return () => client.post("/revoke-sessions", {});
  },
  "/revoke-other-sessions": async (w) => {
    const { client, userId } = await w.user("revoke-others");
    await anotherDevice(userId);
    return () => client.post("/revoke-other-sessions", {});
  },
  "/link-social": async (w) => {
    const { client, email } = await w.user("link-social");
    return () => client.post("/link-social", { provider: "google", idToken: { token: googleIdToken(email), refreshToken: "google-refresh" } });
  },
  "/list-accounts": readOnly(async (w) => {
    const { client } = await withGoogle(w, "list-accounts");
    return () => client.get("/list-accounts");
  }),
  "/delete-user/callback": async (w) => {
    // The token /delete-user mails when `sendDeleteAccountVerification` is set, made by better-auth's own adapter.
    const { client, userId } = await w.user("delete-callback");
    const token = crypto.randomUUID();
    const { internalAdapter } = await w.auth().$context;
    await internalAdapter.createVerificationValue({ identifier: `delete-account-${token}`, value: userId, expiresAt: new Date(Date.now() + 3600_000) });
    return () => client.get(`/delete-user/callback?token=${token}`);
  },
  "/unlink-account": async (w) => {
    const { client, accountId } = await withGoogle(w, "unlink");
    return () => client.post("/unlink-account", { accountId });
  },
  "/refresh-token": async (w) => {
    const { client, accountId } = await withGoogle(w, "refresh-token");
    return () => client.post("/refresh-token", { accountId });
  },
  "/get-access-token": async (w) => {
    const { client, accountId } = await withExpiredGoogleToken(w, "access-token");
    return () => client.post("/get-access-token", { accountId });
  },
  "/account-info": async (w) => {
    const { client, accountId } = await withExpiredGoogleToken(w, "account-info");
    return () => client.get(`/account-info?accountId=${accountId}`);
  },
  "/ok": readOnly(async (w) => {
    const client = new TestClient(w.auth());
    return () => client.get("/ok");
  }),
  "/error": readOnly(async (w) => {
    const client = new TestClient(w.auth());
    return () => client.get("/error");
  }),
};
