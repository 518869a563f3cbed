import { env } from "cloudflare:test";
import { betterAuth } from "better-auth/minimal";
import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements } from "better-auth/plugins/organization/access";
import { describe, expect, it } from "vitest";
import { drizzleD1Adapter } from "../../src/drizzle.js";
import { createAuth as createKyselyAuth } from "../../src/kysely.js";
import * as presets from "../../src/presets/index.js";
import { passkey } from "../../src/presets/passkey.js";
import { authSchema } from "../../src/schema.js";
import { adaptersWith, PASSWORD, TestClient, uniqueEmail } from "../support/index.js";

const ac = createAccessControl(defaultStatements);

const allPresets = () => [
  presets.twoFactor(),
  presets.organization({ ac, teams: { enabled: true }, dynamicAccessControl: { enabled: true } }),
  presets.admin(),
  passkey(),
  presets.jwt(),
];

const both = adaptersWith((sendEmail) => ({ sendEmail, plugins: allPresets() }));

describe.each(both)("$name adapter with every preset on", ({ name, auth }) => {
  it("passes better-auth's runtime schema check against the shipped migrations", async () => {
    const context = await auth().$context;
    expect(context.checkSchema).toBeTypeOf("function");
    await expect(Promise.resolve(context.checkSchema?.())).resolves.toBeUndefined();
  });

  it("serves requests that touch the preset columns", async () => {
    const client = new TestClient(auth());
    const email = uniqueEmail(`${name}-all`);
    const signUp = await client.post("/sign-up/email", { email, password: PASSWORD, name: "All" });
    expect(signUp.status).toBe(200);
    expect(signUp.body.user).toMatchObject({ twoFactorEnabled: false, role: "user", banned: false });
    const org = await client.post("/organization/create", { name: "All Presets", slug: `all-${crypto.randomUUID().slice(0, 8)}` });
    expect(org.status).toBe(200);
    const session = await client.get("/get-session");
    expect(session.body.session.activeOrganizationId).toBe(org.body.id);
  });
});

describe("the schema check really looks", () => {
  it("fails the Kysely adapter on a database without the migrations", async () => {
    const auth = createKyselyAuth({ ...env, DB: env.EMPTY_DB }, { plugins: allPresets() });
    const context = await auth.$context;
    await expect(Promise.resolve(context.checkSchema?.())).rejects.toThrow(/two_factor|twoFactor|user/);
  });

  it("fails the Drizzle adapter when its schema lacks a preset's table", async () => {
    const { twoFactor: _left, twoFactorRelations: _out, ...withoutTwoFactor } = authSchema;
    const auth = betterAuth({
      database: drizzleD1Adapter(env.DB, withoutTwoFactor),
      secret: env.BETTER_AUTH_SECRET,
      plugins: [presets.twoFactor()],
    });
    const context = await auth.$context;
    await expect(Promise.resolve(context.checkSchema?.())).rejects.toThrow(/twoFactor|two_factor/);
  });
});
