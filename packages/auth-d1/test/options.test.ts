import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AUTH_D1_REQUEST_ERROR_CODES, isAuthD1Error } from "../src/errors.js";
import * as presets from "../src/presets/index.js";
import { adaptersWith, factories } from "./support/adapters.js";

const APP = "https://app.example.com";
const STAGING = "https://staging.example.com";

describe.each(adaptersWith(() => ({ trustedOrigins: [APP] })))("$name adapter: trusted origins", ({ auth, name }) => {
  it("keeps env's TRUSTED_ORIGINS when options add their own", async () => {
    const createAuth = factories[name];
    const options = { trustedOrigins: [APP] };
    const context = await createAuth({ ...env, TRUSTED_ORIGINS: STAGING }, options).$context;
    expect(context.trustedOrigins).toEqual(expect.arrayContaining([APP, STAGING]));
  });

  it("lets a trusted origin in and keeps another out", async () => {
    const post = (origin: string) =>
      auth().handler(
        new Request("http://localhost:8787/api/auth/sign-in/email", {
          method: "POST",
          headers: { "content-type": "application/json", origin },
          body: JSON.stringify({ email: "nobody@example.com", password: "correct horse battery staple" }),
        }),
      );
    expect((await post(APP)).status).toBe(401); // through the origin check, then a failed sign-in
    const evil = await post("https://evil.example");
    expect(evil.status).toBe(403);
  });
});

describe("presets.organization", () => {
  it("refuses dynamic access control without an access-control instance at start-up", () => {
    let caught: unknown;
    try {
      presets.organization({ dynamicAccessControl: { enabled: true } });
    } catch (error) {
      caught = error;
    }
    expect(isAuthD1Error(caught) && caught.code).toBe("OPTIONS_INVALID");
  });
});

describe("entry-only options", () => {
  it("the kysely entry refuses the drizzle entry's `schema` with OPTIONS_INVALID instead of ignoring it", () => {
    let thrown: unknown;
    try {
      factories.kysely(env, { schema: {} } as never);
    } catch (error) {
      thrown = error;
    }
    expect(isAuthD1Error(thrown) && thrown.code).toBe("OPTIONS_INVALID");
    expect((thrown as Error).message).toContain("@acme/auth-d1/drizzle");
  });
});

describe.each(adaptersWith(() => ({})))("$name adapter: request error codes", ({ auth }) => {
  it("declares the input guard's codes on auth.$ERROR_CODES, as better-auth plugins do", () => {
    for (const [code, message] of Object.entries(AUTH_D1_REQUEST_ERROR_CODES)) {
      expect((auth().$ERROR_CODES as Record<string, unknown>)[code]).toMatchObject({ code, message });
    }
  });
});
