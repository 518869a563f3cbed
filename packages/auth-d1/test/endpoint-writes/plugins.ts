/**
 * How to drive the endpoints of presets.twoFactor, admin, jwt, passkey, magicLink and emailOTP to their writes.
 */
import { TOTP, URI } from "otpauth";
import { expect } from "vitest";
import { lastMailTo, pathOf, PASSWORD, SoftAuthenticator, TestClient, uniqueEmail, type SignedUpUser } from "../support/index.js";
import { readOnly, served, type Driver, type World } from "./world.js";

/** A new user who has asked to turn TOTP on (not confirmed yet), and their authenticator app. */
async function enrolling(w: World, label: string) {
  const user = await w.user(label);
  const enabled = await user.client.post("/two-factor/enable", { password: PASSWORD });
  expect(enabled.status).toBe(200);
  return { ...user, totp: URI.parse(enabled.body.totpURI) as TOTP, backupCodes: enabled.body.backupCodes as string[] };
}

/** A new user with TOTP on, confirmed by a code. */
async function withTotp(w: World, label: string) {
  const user = await enrolling(w, label);
  expect((await user.client.post("/two-factor/verify-totp", { code: user.totp.generate() })).status).toBe(200);
  return user;
}

/** A new user with mailed second-factor codes on, and a device past their password, holding the challenge. */
async function otpChallenge(w: World, label: string) {
  const user = await w.user(label);
  expect((await user.client.post("/two-factor/enable", { password: PASSWORD, method: "otp" })).status).toBe(200);
  return { ...user, device: await w.challenged(user.email) };
}

/** A new user with a registered passkey, and the authenticator that holds it. */
async function withPasskey(w: World, label: string) {
  const user = await w.user(label);
  const authenticator = await SoftAuthenticator.create();
  const options = await user.client.get("/passkey/generate-register-options");
  const registered = await user.client.post("/passkey/verify-registration", { response: await authenticator.register(options.body), name: "Laptop" });
  expect(registered.status).toBe(200);
  return { ...user, authenticator, passkeyId: registered.body.id as string };
}

/** The shared admin, and a new user for them to act on. */
async function adminAnd(w: World, label: string): Promise<{ admin: TestClient; target: SignedUpUser }> {
  return { admin: (await w.admin()).client, target: await w.user(label) };
}

/** The admin signed in on a new device, so impersonating does not take over the shared admin's session. */
async function adminDevice(w: World): Promise<TestClient> {
  const device = new TestClient(w.auth());
  expect((await device.post("/sign-in/email", { email: (await w.admin()).email, password: PASSWORD })).status).toBe(200);
  return device;
}

/** A new address with an email-OTP code of `type` mailed to it; a user with that address when `user` is given. */
async function emailOtp(w: World, type: "sign-in" | "email-verification" | "forget-password", user?: SignedUpUser) {
  const email = user?.email ?? uniqueEmail(`${w.name}-ew-otp`);
  expect((await new TestClient(w.auth()).post("/email-otp/send-verification-otp", { email, type })).status).toBe(200);
  return { email, otp: w.otpFor(email) };
}

export const pluginDrivers: Record<string, Driver> = {
  "auth.api.generateTOTP": readOnly(async (w) => () => served(w.auth().api.generateTOTP({ body: { secret: "JBSWY3DPEHPK3PXP" } }))),
  "/two-factor/get-totp-uri": readOnly(async (w) => {
    const { client } = await enrolling(w, "totp-uri");
    return () => client.post("/two-factor/get-totp-uri", { password: PASSWORD });
  }),
  "/two-factor/verify-totp": async (w) => {
    const { client, totp } = await enrolling(w, "verify-totp");
    return () => client.post("/two-factor/verify-totp", { code: totp.generate() });
  },
  "/two-factor/send-otp": async (w) => {
    const { device } = await otpChallenge(w, "send-otp");
    return () => device.post("/two-factor/send-otp", {});
  },
  "/two-factor/verify-otp": async (w) => {
    const { device, email } = await otpChallenge(w, "verify-otp");
    expect((await device.post("/two-factor/send-otp", {})).status).toBe(200);
    const { otp } = lastMailTo(w.outbox, email, "two-factor-otp");
    return () => device.post("/two-factor/verify-otp", { code: otp, trustDevice: true });
  },
  "/two-factor/verify-backup-code": async (w) => {
    const { email, backupCodes } = await withTotp(w, "backup-code");
    const device = await w.challenged(email);
    return () => device.post("/two-factor/verify-backup-code", { code: backupCodes[0] });
  },
  "/two-factor/generate-backup-codes": async (w) => {
    const { client } = await withTotp(w, "new-backup-codes");
    return () => client.post("/two-factor/generate-backup-codes", { password: PASSWORD });
  },
  "auth.api.viewBackupCodes": readOnly(async (w) => {
    const { userId } = await withTotp(w, "view-backup-codes");
    return () => served(w.auth().api.viewBackupCodes({ body: { userId } }));
  }),
  "/two-factor/enable": async (w) => {
    const { client } = await w.user("2fa-enable");
    return () => client.post("/two-factor/enable", { password: PASSWORD });
  },
  "/two-factor/disable": async (w) => {
    const { client, email, totp } = await withTotp(w, "2fa-disable");
    const device = await w.challenged(email);
    expect((await device.post("/two-factor/verify-totp", { code: totp.generate(), trustDevice: true })).status).toBe(200);
    return () => client.post("/two-factor/disable", { password: PASSWORD });
  },

  "/admin/set-role": async (w) => {
    const { admin, target } = await adminAnd(w, "set-role");
    return () => admin.post("/admin/set-role", { userId: target.userId, role: "admin" });
  },
  "/admin/get-user": readOnly(async (w) => {
    const { admin, target } = await adminAnd(w, "get-user");
    return () => admin.get(`/admin/get-user?id=${target.userId}`);
  }),
  "/admin/create-user": async (w) => {
    const admin = (await w.admin()).client;
    return () => admin.post("/admin/create-user", { email: uniqueEmail(`${w.name}-ew-created`), password: PASSWORD, name: "New Hire" });
  },
  "/admin/update-user": async (w) => {
    const { admin, target } = await adminAnd(w, "admin-update");
    return () => admin.post("/admin/update-user", { userId: target.userId, data: { name: "Renamed" } });
  },
  "/admin/list-users": readOnly(async (w) => {
    const admin = (await w.admin()).client;
    return () => admin.get("/admin/list-users?limit=5");
  }),
  "/admin/list-user-sessions": readOnly(async (w) => {
    const { admin, target } = await adminAnd(w, "admin-sessions");
    return () => admin.post("/admin/list-user-sessions", { userId: target.userId });
  }),
  "/admin/unban-user": async (w) => {
    const { admin, target } = await adminAnd(w, "unban");
    expect((await admin.post("/admin/ban-user", { userId: target.userId })).status).toBe(200);
    return () => admin.post("/admin/unban-user", { userId: target.userId });
  },
  "/admin/ban-user": async (w) => {
    const { admin, target } = await adminAnd(w, "ban");
    return () => admin.post("/admin/ban-user", { userId: target.userId, banReason: "spam" });
  },
  "/admin/impersonate-user": async (w) => {
    const { target } = await adminAnd(w, "impersonated");
    const device = await adminDevice(w);
    return () => device.post("/admin/impersonate-user", { userId: target.userId });
  },
  "/admin/stop-impersonating": async (w) => {
    const { target } = await adminAnd(w, "impersonation-ends");
    const device = await adminDevice(w);
    expect((await device.post("/admin/impersonate-user", { userId: target.userId })).status).toBe(200);
    return () => device.post("/admin/stop-impersonating", {});
  },
  "/admin/revoke-user-session": async (w) => {
    const { admin, target } = await adminAnd(w, "revoke-one");
    return () => admin.post("/admin/revoke-user-session", { sessionToken: target.client.sessionToken });
  },
  "/admin/revoke-user-sessions": async (w) => {
    const { admin, target } = await adminAnd(w, "revoke-all");
    return () => admin.post("/admin/revoke-user-sessions", { userId: target.userId });
  },
  "/admin/remove-user": async (w) => {
    const { admin, target } = await adminAnd(w, "removed");
    return () => admin.post("/admin/remove-user", { userId: target.userId });
  },
  "/admin/set-user-password": async (w) => {
    const { admin, target } = await adminAnd(w, "new-password");
    return () => admin.post("/admin/set-user-password", { userId: target.userId, newPassword: `${PASSWORD} set` });
  },
  "/admin/has-permission": readOnly(async (w) => {
    const admin = (await w.admin()).client;
    return () => admin.post("/admin/has-permission", { permissions: { user: ["list"] } });
  }),

  "/jwks": readOnly(async (w) => {
    const client = new TestClient(w.auth());
    return () => client.get("/jwks");
  }),
  "/token": readOnly(async (w) => {
    const { client } = await w.user("token");
    return () => client.get("/token");
  }),
  "auth.api.signJWT": readOnly(async (w) => () => served(w.auth().api.signJWT({ body: { payload: { sub: "someone" } } }))),
  "auth.api.verifyJWT": readOnly(async (w) => {
    const { token } = await w.auth().api.signJWT({ body: { payload: { sub: "someone" } } });
    return () => served(w.auth().api.verifyJWT({ body: { token } }));
  }),

  "/passkey/generate-register-options": async (w) => {
    const { client } = await w.user("passkey-options");
    return () => client.get("/passkey/generate-register-options");
  },
  "/passkey/generate-authenticate-options": async (w) => {
    const device = new TestClient(w.auth());
    return () => device.get("/passkey/generate-authenticate-options");
  },
  "/passkey/verify-registration": async (w) => {
    const { client } = await w.user("passkey-register");
    const authenticator = await SoftAuthenticator.create();
    const options = await client.get("/passkey/generate-register-options");
    const response = await authenticator.register(options.body);
    return () => client.post("/passkey/verify-registration", { response, name: "Phone" });
  },
  "/passkey/verify-authentication": async (w) => {
    const { authenticator } = await withPasskey(w, "passkey-sign-in");
    const device = new TestClient(w.auth());
    const options = await device.get("/passkey/generate-authenticate-options");
    const response = await authenticator.assert(options.body);
    return () => device.post("/passkey/verify-authentication", { response });
  },
  "/passkey/list-user-passkeys": readOnly(async (w) => {
    const { client } = await withPasskey(w, "passkey-list");
    return () => client.get("/passkey/list-user-passkeys");
  }),
  "/passkey/delete-passkey": async (w) => {
    const { client, passkeyId } = await withPasskey(w, "passkey-delete");
    return () => client.post("/passkey/delete-passkey", { id: passkeyId });
  },
  "/passkey/update-passkey": async (w) => {
    const { client, passkeyId } = await withPasskey(w, "passkey-rename");
    return () => client.post("/passkey/update-passkey", { id: passkeyId, name: "Work laptop" });
  },

  "/sign-in/magic-link": async (w) => {
    const client = new TestClient(w.auth());
    return () => client.post("/sign-in/magic-link", { email: uniqueEmail(`${w.name}-ew-magic`), callbackURL: "/dashboard" });
  },
  "/magic-link/verify": async (w) => {
    const email = uniqueEmail(`${w.name}-ew-magic-link`);
    const client = new TestClient(w.auth());
    expect((await client.post("/sign-in/magic-link", { email, callbackURL: "/dashboard" })).status).toBe(200);
    const path = pathOf(lastMailTo(w.outbox, email, "magic-link").url);
    return () => client.raw(path);
  },

  "/email-otp/send-verification-otp": async (w) => {
    const client = new TestClient(w.auth());
    return () => client.post("/email-otp/send-verification-otp", { email: uniqueEmail(`${w.name}-ew-otp-send`), type: "sign-in" });
  },
  "auth.api.createVerificationOTP": async (w) => () => served(w.auth().api.createVerificationOTP({ body: { email: uniqueEmail(`${w.name}-ew-otp-made`), type: "sign-in" } })),
  "auth.api.getVerificationOTP": readOnly(async (w) => () => served(w.auth().api.getVerificationOTP({ query: { email: uniqueEmail(`${w.name}-ew-otp-none`), type: "sign-in" } }))),
  "/email-otp/check-verification-otp": async (w) => {
    const { email, otp } = await emailOtp(w, "sign-in", await w.user("otp-check"));
    return () => new TestClient(w.auth()).post("/email-otp/check-verification-otp", { email, type: "sign-in", otp });
  },
  "/email-otp/verify-email": async (w) => {
    const user = await w.user("otp-verify");
    const { email, otp } = await emailOtp(w, "email-verification", user);
    return () => user.client.post("/email-otp/verify-email", { email, otp });
  },
  "/sign-in/email-otp": async (w) => {
    const { email, otp } = await emailOtp(w, "sign-in");
    return () => new TestClient(w.auth()).post("/sign-in/email-otp", { email, otp });
  },
  "/email-otp/request-password-reset": async (w) => {
    const { email } = await w.user("otp-reset-request");
    return () => new TestClient(w.auth()).post("/email-otp/request-password-reset", { email });
  },
  "/forget-password/email-otp": async (w) => {
    const { email } = await w.user("otp-forget");
    return () => new TestClient(w.auth()).post("/forget-password/email-otp", { email });
  },
  "/email-otp/reset-password": async (w) => {
    const user = await w.user("otp-reset");
    const { email, otp } = await emailOtp(w, "forget-password", user);
    return () => new TestClient(w.auth()).post("/email-otp/reset-password", { email, otp, password: `${PASSWORD} reset` });
  },
  "/email-otp/request-email-change": async (w) => {
    const { client } = await w.user("otp-change-request");
    return () => client.post("/email-otp/request-email-change", { newEmail: uniqueEmail(`${w.name}-ew-otp-new`) });
  },
  "/email-otp/change-email": async (w) => {
    const { client } = await w.user("otp-change");
    const newEmail = uniqueEmail(`${w.name}-ew-otp-new`);
    expect((await client.post("/email-otp/request-email-change", { newEmail })).status).toBe(200);
    return () => client.post("/email-otp/change-email", { newEmail, otp: w.otpFor(newEmail) });
  },
};
