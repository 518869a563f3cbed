import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { passkey } from "../../src/presets/passkey.js";
import { adaptersWith, type AuthHandler, type CeremonyOverrides, type JsonResponse, ORIGIN, PASSWORD, rows, sessionCount, signedUp, SoftAuthenticator, TestClient, uniqueEmail } from "../support/index.js";

const EVIL = "http://evil.example";

const both = adaptersWith((sendEmail) => ({ sendEmail, appName: "Acme", plugins: [passkey()] }));
// Some apps turn better-auth's CSRF check off (native clients send no Origin): then nothing checks the
// request's Origin header, and only the preset's pinned origin stands between a phishing page and a session.
const withoutCSRF = adaptersWith((sendEmail) => ({ sendEmail, plugins: [passkey()], advanced: { disableCSRFCheck: true } }));

async function passkeyRows(userId: string): Promise<Record<string, unknown>[]> {
  return rows("SELECT * FROM passkey WHERE user_id = ? ORDER BY created_at", userId);
}

/** The pending ceremonies whose challenge is `challenge`: better-auth keeps them in the verification table. */
async function pendingChallenges(challenge: string): Promise<Record<string, unknown>[]> {
  // instr, not LIKE: D1 refuses LIKE patterns over 50 bytes.
  return rows("SELECT * FROM verification WHERE instr(value, ?) > 0", `"expectedChallenge":"${challenge}"`);
}

/** A refused sign-in: its status and error code, and no session cookie on the device. */
function expectRefused({ device, res }: { device: TestClient; res: JsonResponse }, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body.code).toBe(code);
  expect(device.sessionToken).toBeUndefined();
}

describe.each(both)("$name adapter: passkeys over HTTP", ({ name, auth }) => {
  const signUp = (label: string) => signedUp(auth(), `${name}-passkey-${label}`);

  /** Registers a fresh authenticator for the signed-in client and returns it with the stored passkey. */
  async function register(client: TestClient, name?: string) {
    const authenticator = await SoftAuthenticator.create();
    const options = await client.get("/passkey/generate-register-options");
    expect(options.status).toBe(200);
    const res = await client.post("/passkey/verify-registration", { response: await authenticator.register(options.body), name });
    expect(res.status).toBe(200);
    return { authenticator, passkey: res.body };
  }

  /** A new device asks for a challenge and answers it with `authenticator`. */
  async function signIn(authenticator: SoftAuthenticator, overrides: CeremonyOverrides = {}) {
    const device = new TestClient(auth());
    const options = await device.get("/passkey/generate-authenticate-options");
    expect(options.status).toBe(200);
    const response = await authenticator.assert(options.body, overrides);
    const res = await device.post("/passkey/verify-authentication", { response });
    return { device, res, response };
  }

  it("registers a passkey for a signed-in user: options, a consumed challenge, a passkey row", async () => {
    const { client, email, userId } = await signUp("register");
    const options = await client.get("/passkey/generate-register-options");
    expect(options.status).toBe(200);
    expect(options.body).toMatchObject({ rp: { name: "Acme", id: "localhost" }, user: { name: email, displayName: email }, attestation: "none", excludeCredentials: [] });
    expect(options.body.pubKeyCredParams).toContainEqual({ alg: -7, type: "public-key" });
    expect(options.headers.getSetCookie().some((c) => c.startsWith("better-auth.better-auth-passkey="))).toBe(true);
    const [pending] = await pendingChallenges(options.body.challenge);
    expect(JSON.parse(pending!.value as string)).toMatchObject({ type: "registration", userData: { id: userId } });

    const authenticator = await SoftAuthenticator.create();
    const res = await client.post("/passkey/verify-registration", { response: await authenticator.register(options.body), name: "Phone" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Phone", userId, credentialID: authenticator.credentialId, counter: 0, deviceType: "singleDevice", backedUp: false, transports: "internal", aaguid: authenticator.aaguid });
    expect(await pendingChallenges(options.body.challenge)).toHaveLength(0);
    const [row] = await passkeyRows(userId);
    expect(row).toMatchObject({ id: res.body.id, name: "Phone", credential_id: authenticator.credentialId, counter: 0, backed_up: 0, device_type: "singleDevice", transports: "internal", aaguid: authenticator.aaguid });
    // The COSE key the authenticator sent: EC2 (kty 2), ES256 (alg -7), P-256 (crv 1), as base64.
    expect(Buffer.from(row!.public_key as string, "base64").subarray(0, 7)).toEqual(Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01]));

    const again = await client.get("/passkey/generate-register-options");
    expect(again.body.excludeCredentials).toEqual([{ id: authenticator.credentialId, type: "public-key", transports: ["internal"] }]);
  });

  it("refuses registration without a session", async () => {
    const options = await new TestClient(auth()).get("/passkey/generate-register-options");
    expect(options.status).toBe(401);
    const verify = await new TestClient(auth()).post("/passkey/verify-registration", { response: await (await SoftAuthenticator.create()).register({ challenge: "none" }) });
    expect(verify.status).toBe(401);
  });

  it("signs in with the passkey after signing out: a session for its user, and the counter advances", async () => {
    const { client, userId } = await signUp("signin");
    const { authenticator, passkey: stored } = await register(client);
    expect((await client.post("/sign-out", {})).status).toBe(200);
    expect((await client.get("/get-session")).body).toBeNull();
    expect(await sessionCount(userId)).toBe(0);

    const { device, res } = await signIn(authenticator);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: userId });
    expect(res.body.session).toMatchObject({ userId, token: device.sessionToken });
    expect((await device.get("/get-session")).body.user.id).toBe(userId);
    expect(await sessionCount(userId)).toBe(1);
    expect((await passkeyRows(userId))[0]).toMatchObject({ id: stored.id, counter: 1 });

    expect((await signIn(authenticator)).res.status).toBe(200);
    expect((await passkeyRows(userId))[0]).toMatchObject({ counter: 2 });
    expect(await sessionCount(userId)).toBe(2);
  });

  it("offers a signed-in user's own passkeys as allowed credentials", async () => {
    const { client } = await signUp("allow");
    const { authenticator } = await register(client);
    const options = await client.get("/passkey/generate-authenticate-options");
    expect(options.body).toMatchObject({ rpId: "localhost", allowCredentials: [{ id: authenticator.credentialId, type: "public-key" }] });
    const anonymous = await new TestClient(auth()).get("/passkey/generate-authenticate-options");
    expect(anonymous.body.rpId).toBe("localhost");
    expect(anonymous.body.allowCredentials).toBeUndefined();
  });

  it("lists, renames and deletes passkeys; a deleted passkey no longer signs in", async () => {
    const { client, userId } = await signUp("manage");
    const laptop = await register(client, "Laptop");
    const phone = await register(client, "Phone");
    const listed = await client.get("/passkey/list-user-passkeys");
    expect(listed.status).toBe(200);
    expect(listed.body.map((p: { credentialID: string }) => p.credentialID).sort()).toEqual([laptop.authenticator.credentialId, phone.authenticator.credentialId].sort());

    const renamed = await client.post("/passkey/update-passkey", { id: laptop.passkey.id, name: "Work laptop" });
    expect(renamed.status).toBe(200);
    expect(renamed.body.passkey).toMatchObject({ id: laptop.passkey.id, name: "Work laptop" });
    expect((await rows("SELECT name FROM passkey WHERE id = ?", laptop.passkey.id))[0]).toEqual({ name: "Work laptop" });

    const deleted = await client.post("/passkey/delete-passkey", { id: phone.passkey.id });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ status: true });
    expect(await rows("SELECT id FROM passkey WHERE id = ?", phone.passkey.id)).toHaveLength(0);
    expect((await client.get("/passkey/list-user-passkeys")).body.map((p: { id: string }) => p.id)).toEqual([laptop.passkey.id]);

    const sessions = await sessionCount(userId);
    expectRefused(await signIn(phone.authenticator), 401, "PASSKEY_NOT_FOUND");
    expect(await sessionCount(userId)).toBe(sessions);
    expect((await signIn(laptop.authenticator)).res.status).toBe(200);
  });

  it("does not let another user list, rename or delete someone's passkey", async () => {
    const owner = await signUp("owner");
    const { passkey: stored } = await register(owner.client, "Mine");
    const other = await signUp("other");
    expect((await other.client.get("/passkey/list-user-passkeys")).body).toEqual([]);
    const rename = await other.client.post("/passkey/update-passkey", { id: stored.id, name: "Stolen" });
    expect(rename.status).toBe(401);
    const remove = await other.client.post("/passkey/delete-passkey", { id: stored.id });
    expect(remove.status).toBe(401);
    expect(await passkeyRows(owner.userId)).toMatchObject([{ id: stored.id, name: "Mine" }]);
  });

  it("refuses an assertion signed by another key for the same credential id", async () => {
    const { client, userId } = await signUp("impostor");
    const { authenticator } = await register(client);
    const impostor = await SoftAuthenticator.create({ credentialId: authenticator.credentialId });
    expectRefused(await signIn(impostor), 401, "AUTHENTICATION_FAILED");
    expect(await sessionCount(userId)).toBe(1);
    expect((await passkeyRows(userId))[0]).toMatchObject({ counter: 0 });
  });

  it("refuses an assertion whose clientDataJSON was changed after signing", async () => {
    const { client, userId } = await signUp("tamper");
    const { authenticator } = await register(client);
    const device = new TestClient(auth());
    const options = await device.get("/passkey/generate-authenticate-options");
    const response = await authenticator.assert(options.body);
    const clientData = JSON.parse(Buffer.from(response.response.clientDataJSON, "base64url").toString());
    response.response.clientDataJSON = Buffer.from(JSON.stringify({ ...clientData, crossOrigin: true })).toString("base64url");
    expectRefused({ device, res: await device.post("/passkey/verify-authentication", { response }) }, 401, "AUTHENTICATION_FAILED");
    expect(await sessionCount(userId)).toBe(1);
  });

  it("refuses an assertion and a registration made on another origin", async () => {
    const { client, userId } = await signUp("origin");
    const { authenticator } = await register(client);
    expectRefused(await signIn(authenticator, { origin: EVIL }), 400, "AUTHENTICATION_FAILED");
    expect(await sessionCount(userId)).toBe(1);

    const options = await client.get("/passkey/generate-register-options");
    const phished = await client.post("/passkey/verify-registration", { response: await (await SoftAuthenticator.create()).register(options.body, { origin: EVIL }) });
    // Bad input, not a server fault: 400 on every supported @better-auth/passkey (before 1.7.27 the plugin says 500).
    expect(phished.status).toBe(400);
    expect(phished.body.code).toBe("FAILED_TO_VERIFY_REGISTRATION");
    expect(await passkeyRows(userId)).toHaveLength(1);
  });

  it("refuses a cloned authenticator whose counter goes backwards", async () => {
    const { client, userId } = await signUp("clone");
    const { authenticator } = await register(client);
    expect((await signIn(authenticator)).res.status).toBe(200);
    expect((await signIn(authenticator)).res.status).toBe(200);
    authenticator.signCount = 0;
    expectRefused(await signIn(authenticator), 400, "AUTHENTICATION_FAILED");
    expect((await passkeyRows(userId))[0]).toMatchObject({ counter: 2 });
  });

  it("refuses a replayed assertion", async () => {
    const { client, userId } = await signUp("replay-assert");
    const { authenticator } = await register(client);
    const { device, res, response } = await signIn(authenticator);
    expect(res.status).toBe(200);
    expect((await device.post("/sign-out", {})).status).toBe(200);
    // The challenge was consumed: the same answer finds nothing to answer.
    const replay = await device.post("/passkey/verify-authentication", { response });
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe("CHALLENGE_NOT_FOUND");
    // With a fresh challenge pending, the old answer signs the wrong one.
    expect((await device.get("/passkey/generate-authenticate-options")).status).toBe(200);
    const stale = await device.post("/passkey/verify-authentication", { response });
    expect(stale.status).toBe(400);
    expect(stale.body.code).toBe("AUTHENTICATION_FAILED");
    expect(device.sessionToken).toBeUndefined();
    // Only the sign-up session is left: the passkey's was signed out, and neither replay made one.
    expect(await sessionCount(userId)).toBe(1);
  });

  it("refuses a replayed registration response and one for another challenge", async () => {
    const { client, userId } = await signUp("replay-register");
    const authenticator = await SoftAuthenticator.create();
    const options = await client.get("/passkey/generate-register-options");
    const response = await authenticator.register(options.body);
    expect((await client.post("/passkey/verify-registration", { response })).status).toBe(200);
    const replay = await client.post("/passkey/verify-registration", { response });
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe("CHALLENGE_NOT_FOUND");

    const fresh = await client.get("/passkey/generate-register-options");
    const wrong = await client.post("/passkey/verify-registration", { response: await (await SoftAuthenticator.create()).register({ challenge: options.body.challenge }) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe("FAILED_TO_VERIFY_REGISTRATION");
    // The failed attempt used up the fresh challenge too.
    expect(await pendingChallenges(fresh.body.challenge)).toHaveLength(0);
    expect(await passkeyRows(userId)).toMatchObject([{ credential_id: authenticator.credentialId }]);
  });
});

/** A request as a phishing proxy would send it: any cookies it got, and the Origin header of its page. */
async function fromOrigin(auth: AuthHandler, origin: string, path: string, cookies: string[], body?: unknown): Promise<Response> {
  const headers = new Headers({ origin, cookie: cookies.join("; ") });
  if (body !== undefined) headers.set("content-type", "application/json");
  return auth.handler(new Request(`${ORIGIN}/api/auth${path}`, { method: body === undefined ? "GET" : "POST", headers, body: body === undefined ? null : JSON.stringify(body) }));
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((line) => line.split(";")[0]!);
}

describe.each(withoutCSRF)("$name adapter with CSRF checks off: the preset pins the WebAuthn origin", ({ name, auth }) => {
  it("refuses an assertion made on another origin even when the request's Origin header agrees with it", async () => {
    const client = new TestClient(auth());
    const email = uniqueEmail(`${name}-passkey-pinned`);
    const { body } = await client.post("/sign-up/email", { email, password: PASSWORD, name: "Ada Lovelace" });
    const userId = body.user.id as string;
    const authenticator = await SoftAuthenticator.create();
    const registerOptions = await client.get("/passkey/generate-register-options");
    expect((await client.post("/passkey/verify-registration", { response: await authenticator.register(registerOptions.body) })).status).toBe(200);

    const options = await fromOrigin(auth(), EVIL, "/passkey/generate-authenticate-options", []);
    expect(options.status).toBe(200);
    const assertion = await authenticator.assert((await options.json()) as { challenge: string }, { origin: EVIL });
    const res = await fromOrigin(auth(), EVIL, "/passkey/verify-authentication", cookiesOf(options), { response: assertion });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("AUTHENTICATION_FAILED");
    expect(cookiesOf(res).some((c) => c.startsWith("better-auth.session_token="))).toBe(false);
    expect(await sessionCount(userId)).toBe(1);

    // The same ceremony from our own origin works: the refusal above is about the origin alone.
    const ours = await fromOrigin(auth(), ORIGIN, "/passkey/generate-authenticate-options", []);
    const good = await fromOrigin(auth(), ORIGIN, "/passkey/verify-authentication", cookiesOf(ours), { response: await authenticator.assert((await ours.json()) as { challenge: string }) });
    expect(good.status).toBe(200);
    expect(await sessionCount(userId)).toBe(2);
  });
});
