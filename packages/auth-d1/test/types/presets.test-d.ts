/**
 * Compile-time checks: an endpoint exists on `auth.api` (and on the client) exactly when its preset is on.
 * Vitest runs these through tsc (`typecheck` in vitest.config.ts); nothing here executes.
 */
import { passkeyClient } from "@better-auth/passkey/client";
import { describe, expectTypeOf, test } from "vitest";
import { createAuthClient } from "../../src/client/index.js";
import * as clientPresets from "../../src/client/presets.js";
import { createAuth as createDrizzleAuth } from "../../src/drizzle.js";
import type { AuthD1Env } from "../../src/env.js";
import type { AuthD1Options } from "../../src/options.js";
import { createAuth as createKyselyAuth } from "../../src/kysely.js";
import * as presets from "../../src/presets/index.js";
import { passkey } from "../../src/presets/passkey.js";

declare const env: AuthD1Env;

const allPresets = {
  plugins: [
    presets.twoFactor(),
    presets.organization({ teams: { enabled: true }, dynamicAccessControl: { enabled: true } }),
    presets.admin(),
    passkey(),
    presets.jwt(),
  ],
};

// Under one signature so one body checks both; the entries differ only in `schema` (checked below).
describe.each([
  ["drizzle", createDrizzleAuth],
  ["kysely", createKyselyAuth as typeof createDrizzleAuth],
] as const)("%s createAuth", (_name, createAuth) => {
  test("every preset's endpoints are on auth.api when the preset is on", () => {
    const auth = createAuth(env, allPresets);
    expectTypeOf(auth.api.createOrganization).toBeFunction();
    expectTypeOf(auth.api.createTeam).toBeFunction();
    expectTypeOf(auth.api.createOrgRole).toBeFunction();
    expectTypeOf(auth.api.enableTwoFactor).toBeFunction();
    expectTypeOf(auth.api.verifyTOTP).toBeFunction();
    expectTypeOf(auth.api.banUser).toBeFunction();
    expectTypeOf(auth.api.impersonateUser).toBeFunction();
    expectTypeOf(auth.api.generatePasskeyRegistrationOptions).toBeFunction();
    expectTypeOf(auth.api.getJwks).toBeFunction();
    expectTypeOf(auth.api.getToken).toBeFunction();
  });

  test("no preset, no preset endpoints", () => {
    const auth = createAuth(env);
    expectTypeOf(auth.api.signInEmail).toBeFunction();
    expectTypeOf(auth.api).not.toHaveProperty("createOrganization");
    expectTypeOf(auth.api).not.toHaveProperty("enableTwoFactor");
    expectTypeOf(auth.api).not.toHaveProperty("banUser");
    expectTypeOf(auth.api).not.toHaveProperty("getJwks");
    expectTypeOf(auth.api).not.toHaveProperty("generatePasskeyRegistrationOptions");
  });

  test("organization without teams has no team endpoints", () => {
    const auth = createAuth(env, { plugins: [presets.organization({ allowUserToCreateOrganization: true })] });
    expectTypeOf(auth.api.createOrganization).toBeFunction();
    expectTypeOf(auth.api).not.toHaveProperty("createTeam");
    expectTypeOf(auth.api).not.toHaveProperty("createOrgRole");
  });

  test("presets add their fields to the session's user", () => {
    const auth = createAuth(env, { plugins: [presets.twoFactor(), presets.admin()] });
    type User = typeof auth.$Infer.Session.user;
    expectTypeOf<User["twoFactorEnabled"]>().toEqualTypeOf<boolean | null | undefined>();
    expectTypeOf<User>().toHaveProperty("role");
    expectTypeOf<User>().toHaveProperty("banned");
  });

  test("options keep better-auth's own types", () => {
    // @ts-expect-error teams takes better-auth's shape, not a boolean
    presets.organization({ teams: "yes" });
    // @ts-expect-error database comes from env, never from options
    createAuth(env, { database: {} });
  });
});

describe("entry-only options", () => {
  test("the drizzle entry takes `schema`, the kysely entry refuses it", () => {
    createDrizzleAuth(env, { schema: {} });
    // @ts-expect-error the Kysely entry maps fields itself: `schema` is a drizzle-entry option
    createKyselyAuth(env, { schema: {} });
    createKyselyAuth(env, { appName: "Acme" });
  });
});

describe("createAuthClient", () => {
  test("has the methods of the client presets it is given, and only those", () => {
    const client = createAuthClient({
      plugins: [
        clientPresets.twoFactor(),
        clientPresets.organization({ teams: { enabled: true } }),
        clientPresets.admin(),
        clientPresets.jwt(),
        passkeyClient(),
      ],
    });
    expectTypeOf(client.twoFactor.enable).toBeFunction();
    expectTypeOf(client.organization.create).toBeFunction();
    expectTypeOf(client.organization.createTeam).toBeFunction();
    expectTypeOf(client.admin.banUser).toBeFunction();
    expectTypeOf(client.token).toBeFunction();
    expectTypeOf(client.passkey.addPasskey).toBeFunction();

    const bare = createAuthClient({ plugins: [clientPresets.twoFactor()] });
    expectTypeOf(bare.twoFactor.enable).toBeFunction();
    expectTypeOf(bare).not.toHaveProperty("organization");
    expectTypeOf(bare).not.toHaveProperty("admin");
    expectTypeOf(bare.signIn.email).toBeFunction();
  });
});

describe("passwordless presets", () => {
  test("magicLink and emailOTP add their endpoints, need no send function, and their clients their methods", () => {
    const auth = createDrizzleAuth(env, { plugins: [presets.magicLink(), presets.emailOTP({ otpLength: 8 })] });
    expectTypeOf(auth.api.signInMagicLink).toBeFunction();
    expectTypeOf(auth.api.magicLinkVerify).toBeFunction();
    expectTypeOf(auth.api.sendVerificationOTP).toBeFunction();
    expectTypeOf(auth.api.signInEmailOTP).toBeFunction();
    expectTypeOf(createDrizzleAuth(env).api).not.toHaveProperty("signInMagicLink");

    const client = createAuthClient({ plugins: [clientPresets.magicLink(), clientPresets.emailOTP()] });
    expectTypeOf(client.signIn.magicLink).toBeFunction();
    expectTypeOf(client.signIn.emailOtp).toBeFunction();
    expectTypeOf(client.emailOtp.sendVerificationOtp).toBeFunction();
  });

  test("a template receives the fields of its kind", () => {
    // As in the docs: options defined once (inline callbacks in createAuth's generic argument get no contextual type).
    const options = {
      emailTemplates: {
        "email-otp": (mail, app) => {
          expectTypeOf(mail.otp).toBeString();
          expectTypeOf(mail.purpose).toEqualTypeOf<"sign-in" | "email-verification" | "forget-password" | "change-email">();
          return { subject: app.name, text: mail.otp, html: "" };
        },
        "organization-invitation": (mail) => ({ subject: mail.organizationName, text: mail.url, html: "" }),
      },
    } satisfies AuthD1Options;
    createDrizzleAuth(env, options);
  });
});
