import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AUTH_D1_REQUEST_ERROR_CODES, isAuthD1Error } from "../src/errors.js";
import * as presets from "../src/presets/index.js";
import { adapters, adaptersWith, factories, type AuthHandler, authPost, one, PASSWORD, signedUp } from "./support/index.js";

const APP = "https://app.example.com";
const STAGING = "https://staging.example.com";
const PREVIEW = "https://pr-42.preview.example.com";

/** A sign-in from `origin` for a user who does not exist: 401 once through the origin check, 403 if refused by it. */
function signInFrom(auth: AuthHandler, origin: string): Promise<Response> {
  return auth.handler(authPost("/sign-in/email", JSON.stringify({ email: "nobody@example.com", password: PASSWORD }), { origin }));
}

describe.each(adaptersWith(() => ({ trustedOrigins: [APP] })))("$name adapter: trusted origins", ({ auth, name }) => {
  it("keeps env's TRUSTED_ORIGINS when options add their own", async () => {
    const createAuth = factories[name];
    const options = { trustedOrigins: [APP] };
    const context = await createAuth({ ...env, TRUSTED_ORIGINS: STAGING }, options).$context;
    expect(context.trustedOrigins).toEqual(expect.arrayContaining([APP, STAGING]));
  });

  it("lets a trusted origin in and keeps another out", async () => {
    expect((await signInFrom(auth(), APP)).status).toBe(401); // through the origin check, then a failed sign-in
    expect((await signInFrom(auth(), "https://evil.example")).status).toBe(403);
  });
});

describe.each(adapters)("$name adapter: trustedOrigins as a function", ({ createAuth }) => {
  // Built once, as a Worker would at module scope: env with TRUSTED_ORIGINS, options with a function.
  const seen: unknown[] = [];
  const options = {
    trustedOrigins: (request?: Request) => {
      seen.push(request);
      return [PREVIEW];
    },
  };
  const workerEnv = { ...env, TRUSTED_ORIGINS: STAGING };
  const auth = () => createAuth(workerEnv, options);

  it("trusts what the function returns and env's TRUSTED_ORIGINS, and nothing else", async () => {
    seen.length = 0;
    expect((await signInFrom(auth(), PREVIEW)).status).toBe(401);
    expect((await signInFrom(auth(), STAGING)).status).toBe(401);
    expect((await signInFrom(auth(), "https://pr-43.preview.example.com")).status).toBe(403);
    expect((await signInFrom(auth(), APP)).status).toBe(403);
    // better-auth hands the function each incoming request, so it can decide per request.
    expect(seen.some((request) => request instanceof Request && request.headers.get("origin") === PREVIEW)).toBe(true);
  });
});

describe.each(adapters)("$name adapter: the binding option", ({ name, createAuth }) => {
  // A Worker whose only D1 binding is AUTH_DB: no DB to fall back on.
  const { DB: _db, ...withoutDB } = env;
  const workerEnv: Omit<typeof env, "DB"> = withoutDB;
  const options = { binding: "AUTH_DB" };

  it("reads and writes the D1 database bound under that name", async () => {
    const { client, email, userId } = await signedUp(createAuth(workerEnv, options), `${name}-binding`);
    const inAuthDB = await env.AUTH_DB.prepare("SELECT id FROM user WHERE email = ?").bind(email).first();
    expect(inAuthDB).toEqual({ id: userId });
    expect(await one("SELECT id FROM user WHERE email = ?", email)).toBeUndefined();
    const session = await client.get("/get-session");
    expect(session.body.user.id).toBe(userId);
    expect(await env.AUTH_DB.prepare("SELECT count(*) AS n FROM session WHERE user_id = ?").bind(userId).first("n")).toBe(1);
  });

  it("refuses the same env without the option, at creation: env.DB is missing", () => {
    let caught: unknown;
    try {
      createAuth(workerEnv);
    } catch (error) {
      caught = error;
    }
    expect(isAuthD1Error(caught) && caught.code).toBe("DB_BINDING_MISSING");
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
