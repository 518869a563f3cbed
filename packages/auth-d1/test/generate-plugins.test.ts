/**
 * better-auth plugins outside our presets, on the tables `auth-d1 generate` wrote for them
 * (test/fixtures/plugins: the options, the migration, the Drizzle module). Each plugin's main flow runs
 * over HTTP on one database, written through one adapter and read back through the other.
 */
import { applyD1Migrations, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createAuth as createDrizzleAuth } from "../src/drizzle.js";
import { createAuth as createKyselyAuth } from "../src/kysely.js";
import { authSchema } from "../src/schema.js";
import { generatedSchema } from "./fixtures/plugins/auth-schema.js";
import options, { sentCodes, walletSignature } from "./fixtures/plugins/auth.config.js";
import { PASSWORD, TestClient, uniqueEmail, type AuthHandler } from "./support/index.js";

const pluginEnv = { ...env, DB: env.PLUGINS_DB };
const drizzleOptions = { ...options, schema: { ...authSchema, ...generatedSchema } };
const auths = {
  drizzle: (): AuthHandler => createDrizzleAuth(pluginEnv, drizzleOptions),
  kysely: (): AuthHandler => createKyselyAuth(pluginEnv, options),
};
type AdapterName = keyof typeof auths;

/** One browser (one cookie jar) whose requests go to the adapter last chosen with `via`. */
function browser(): { client: TestClient; via: (name: AdapterName) => TestClient } {
  let current: AdapterName = "drizzle";
  const client = new TestClient({ handler: (request) => auths[current]().handler(request) });
  return { client, via: (name) => ((current = name), client) };
}

async function row<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | undefined> {
  return (await env.PLUGINS_DB.prepare(sql).bind(...params).first<T>()) ?? undefined;
}

beforeAll(async () => {
  await applyD1Migrations(env.PLUGINS_DB, [...env.TEST_MIGRATIONS, ...env.TEST_PLUGIN_MIGRATIONS]);
});

describe("when the database lags the options", () => {
  // env.DB has the shipped migrations only: none of the generated columns and tables.
  const laggingEnv = { ...env };

  it("the Kysely entry's schema check names auth-d1 generate and the missing tables and columns, on every request too", async () => {
    const auth = createKyselyAuth(laggingEnv, options);
    const context = await auth.$context;
    const failure = await Promise.resolve(context.checkSchema?.()).catch((error: unknown) => error as Error & { code?: string });
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.message).toMatch(/^\[auth-d1\] The database lacks what these options need\./);
    expect(failure!.message).toContain("Missing tables: wallet_address, device_code");
    expect(failure!.message).toContain("user.username");
    expect(failure!.message).toContain("Run `npx auth-d1 generate --config <your options module>`");
    expect(failure!.code).toBe("SCHEMA_MISMATCH");
    // The handler rejects with it: workerd logs the message and answers 500.
    await expect(new TestClient(auth).post("/sign-in/anonymous", {})).rejects.toThrow(/auth-d1 generate/);
  });

  it("the Drizzle entry without the generated tables refuses to start, naming them and --drizzle", () => {
    expect(() => createDrizzleAuth(laggingEnv, options)).toThrow(
      /^\[auth-d1\] OPTIONS_INVALID: the Drizzle tables passed as `schema` lack what these options need: user\.username, user\.displayUsername, .*walletAddress, deviceCode\. Run `npx auth-d1 generate --config <your options module> --drizzle <file>`/,
    );
  });
});

const directions = [
  { write: "drizzle", read: "kysely" },
  { write: "kysely", read: "drizzle" },
] as const;

it("both adapters pass better-auth's schema check on the generated tables", async () => {
  for (const name of ["drizzle", "kysely"] as const) {
    const context = await (auths[name]() as ReturnType<typeof createKyselyAuth>).$context;
    await expect(Promise.resolve(context.checkSchema?.()), name).resolves.toBeUndefined();
  }
});

describe.each(directions)("written through $write, read through $read", ({ write, read }) => {
  it("additional fields: a client sets companyName at sign-up, and its plan (input: false) is ignored", async () => {
    const { via } = browser();
    const email = uniqueEmail(`fields-${write}`);
    const signUp = await via(write).post("/sign-up/email", { email, password: PASSWORD, name: "Ada", companyName: "Acme", plan: "pro" });
    expect(signUp.status).toBe(200);
    const session = await via(read).get("/get-session");
    expect(session.body.user).toMatchObject({ email, companyName: "Acme", plan: "free" });
    expect(await row("SELECT company_name, plan FROM user WHERE email = ?", email)).toEqual({ company_name: "Acme", plan: "free" });
  });

  it("username: sign up with one, sign in by username with the other; the unique index keeps a name to one user", async () => {
    const name = `ada_${crypto.randomUUID().slice(0, 8)}`;
    const signUp = await browser().via(write).post("/sign-up/email", { email: uniqueEmail("username"), password: PASSWORD, name: "Ada", username: name });
    expect(signUp.status).toBe(200);
    const signIn = await browser().via(read).post("/sign-in/username", { username: name, password: PASSWORD });
    expect(signIn.status).toBe(200);
    expect(signIn.body.user).toMatchObject({ id: signUp.body.user.id, username: name });

    // D1 has no transactions: better-auth's "is it taken?" read can pass for both, only the index refuses one.
    const race = `race_${crypto.randomUUID().slice(0, 8)}`;
    const results = await Promise.all(
      (["drizzle", "kysely"] as const).map((adapter) => browser().via(adapter).post("/sign-up/email", { email: uniqueEmail("race"), password: PASSWORD, name: "R", username: race })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(await row("SELECT count(*) AS n FROM user WHERE username = ?", race)).toEqual({ n: 1 });
  });

  it("anonymous: an anonymous sign-in is read back as anonymous", async () => {
    const { via } = browser();
    const signIn = await via(write).post("/sign-in/anonymous", {});
    expect(signIn.status).toBe(200);
    const session = await via(read).get("/get-session");
    expect(session.body.user).toMatchObject({ id: signIn.body.user.id, isAnonymous: true });
    expect(await row("SELECT is_anonymous FROM user WHERE id = ?", signIn.body.user.id)).toEqual({ is_anonymous: 1 });
  });

  it("phoneNumber: verify a number by OTP, then sign in with it", async () => {
    const { via } = browser();
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    expect((await via(write).post("/sign-up/email", { email: uniqueEmail("phone"), password: PASSWORD, name: "P" })).status).toBe(200);
    expect((await via(write).post("/phone-number/send-otp", { phoneNumber: phone })).status).toBe(200);
    const code = sentCodes.findLast((sent) => sent.phoneNumber === phone)!.code;
    const verified = await via(read).post("/phone-number/verify", { phoneNumber: phone, code, updatePhoneNumber: true });
    expect(verified.status).toBe(200);
    const signIn = await browser().via(write).post("/sign-in/phone-number", { phoneNumber: phone, password: PASSWORD });
    expect(signIn.status).toBe(200);
    expect(signIn.body.user).toMatchObject({ phoneNumber: phone, phoneNumberVerified: true });
  });

  it("oneTimeToken: a token made through one adapter signs in through the other", async () => {
    const { via } = browser();
    const signUp = await via(write).post("/sign-up/email", { email: uniqueEmail("ott"), password: PASSWORD, name: "O" });
    const { body } = await via(write).get("/one-time-token/generate");
    const verified = await browser().via(read).post("/one-time-token/verify", { token: body.token });
    expect(verified.status).toBe(200);
    expect(verified.body.user.id).toBe(signUp.body.user.id);
  });

  it("siwe: a wallet signs in, and signs in again as the same user", async () => {
    const address = `0x${crypto.randomUUID().replaceAll("-", "").padEnd(40, "0").slice(0, 40)}`;
    const signIn = async (adapter: AdapterName) => {
      const client = browser().via(adapter);
      const { nonce } = (await client.post("/siwe/nonce", {})).body;
      const message = siweMessage(address, nonce);
      return client.post("/siwe/verify", { message, signature: await walletSignature(message) });
    };
    const first = await signIn(write);
    expect(first.status).toBe(200);
    const again = await signIn(read);
    expect(again.status).toBe(200);
    expect(again.body.user.id).toBe(first.body.user.id);
    expect(await row("SELECT chain_id, is_primary FROM wallet_address WHERE user_id = ?", first.body.user.id)).toEqual({ chain_id: 1, is_primary: 1 });
  });

  it("deviceAuthorization: a device gets a token once a signed-in user approves its code", async () => {
    const device = browser().via(write);
    const code = await device.post("/device/code", { client_id: "tv-app" });
    expect(code.status).toBe(200);
    const { via } = browser();
    expect((await via(read).post("/sign-up/email", { email: uniqueEmail("device"), password: PASSWORD, name: "D" })).status).toBe(200);
    expect((await via(read).get(`/device?user_code=${code.body.user_code}`)).status).toBe(200);
    expect((await via(write).post("/device/approve", { userCode: code.body.user_code })).status).toBe(200);
    const token = await browser().via(read).post("/device/token", {
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      device_code: code.body.device_code,
      client_id: "tv-app",
    });
    expect(token.status).toBe(200);
    expect(token.body.access_token).toEqual(expect.any(String));
  });
});

function siweMessage(address: string, nonce: string): string {
  return [
    "localhost:8787 wants you to sign in with your Ethereum account:",
    address,
    "",
    "Sign in to the auth-d1 tests.",
    "",
    "URI: http://localhost:8787",
    "Version: 1",
    "Chain ID: 1",
    `Nonce: ${nonce}`,
    `Issued At: ${new Date().toISOString()}`,
  ].join("\n");
}
