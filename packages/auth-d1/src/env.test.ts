import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readAuthEnv } from "./env.js";
import { AuthD1Error, isAuthD1Error, type AuthD1ErrorCode } from "./errors.js";
import { factories } from "../test/support/adapters.js";

const SECRET = "0123456789abcdef0123456789abcdef";

function codeOf(run: () => unknown): AuthD1ErrorCode | "no error" {
  try {
    run();
  } catch (error) {
    if (isAuthD1Error(error)) return error.code;
    throw error;
  }
  return "no error";
}

describe("readAuthEnv", () => {
  const base = () => ({ DB: env.DB, BETTER_AUTH_SECRET: SECRET });

  it("accepts a D1 binding and a 32-character secret", () => {
    const resolved = readAuthEnv(base());
    expect(resolved.database).toBe(env.DB);
    expect(resolved.secret).toBe(SECRET);
    expect(resolved.trustedOrigins).toEqual([]);
    expect(resolved.google).toBeUndefined();
  });

  it.each([
    ["no env at all", (): unknown => undefined, "ENV_MISSING"],
    ["no DB binding", () => ({ BETTER_AUTH_SECRET: SECRET }), "DB_BINDING_MISSING"],
    ["DB set as a var", () => ({ DB: "my-database", BETTER_AUTH_SECRET: SECRET }), "DB_BINDING_INVALID"],
    ["a KV namespace as DB", () => ({ DB: { get() {}, put() {} }, BETTER_AUTH_SECRET: SECRET }), "DB_BINDING_INVALID"],
    ["no secret", () => ({ DB: env.DB }), "SECRET_MISSING"],
    ["an empty secret", () => ({ DB: env.DB, BETTER_AUTH_SECRET: "  " }), "SECRET_MISSING"],
    ["a short secret", () => ({ DB: env.DB, BETTER_AUTH_SECRET: "too-short" }), "SECRET_TOO_SHORT"],
    ["secrets without versions", () => ({ DB: env.DB, BETTER_AUTH_SECRETS: SECRET }), "SECRETS_MALFORMED"],
    ["a short versioned secret", () => ({ DB: env.DB, BETTER_AUTH_SECRETS: `2:${SECRET},1:short` }), "SECRET_TOO_SHORT"],
    ["a URL without scheme", () => ({ ...base(), BETTER_AUTH_URL: "auth.example.com" }), "URL_INVALID"],
    ["an ftp URL", () => ({ ...base(), BETTER_AUTH_URL: "ftp://auth.example.com" }), "URL_INVALID"],
    ["a bad trusted origin", () => ({ ...base(), TRUSTED_ORIGINS: "https://app.example.com, not a url" }), "URL_INVALID"],
    ["a client id without its secret", () => ({ ...base(), GITHUB_CLIENT_ID: "abc" }), "SOCIAL_PROVIDER_INCOMPLETE"],
    ["a number where a string belongs", () => ({ ...base(), BETTER_AUTH_URL: 8787 }), "ENV_VAR_INVALID"],
  ] as const)("rejects %s with %s", (_label, input, code) => {
    // Inputs are built inside the test: vitest serializes each.each row, and a D1 binding cannot be.
    expect(codeOf(() => readAuthEnv(input()))).toBe(code);
  });

  it("says how to fix a missing secret", () => {
    expect(() => readAuthEnv({ DB: env.DB })).toThrow(/wrangler secret put BETTER_AUTH_SECRET/);
  });

  it("reads versioned secrets newest first, with origins and social providers", () => {
    const resolved = readAuthEnv({
      DB: env.DB,
      BETTER_AUTH_SECRETS: `2:${SECRET}x, 1:${SECRET}`,
      BETTER_AUTH_URL: "https://auth.example.com",
      TRUSTED_ORIGINS: "https://app.example.com, http://localhost:5173",
      GOOGLE_CLIENT_ID: "id",
      GOOGLE_CLIENT_SECRET: "secret",
    });
    expect(resolved.secrets).toEqual([
      { version: 2, value: `${SECRET}x` },
      { version: 1, value: SECRET },
    ]);
    expect(resolved.trustedOrigins).toEqual(["https://app.example.com", "http://localhost:5173"]);
    expect(resolved.google).toEqual({ clientId: "id", clientSecret: "secret" });
  });

  it("reads a D1 binding under another name", () => {
    expect(readAuthEnv({ AUTH_DB: env.DB, BETTER_AUTH_SECRET: SECRET }, { binding: "AUTH_DB" }).database).toBe(env.DB);
    expect(codeOf(() => readAuthEnv({ DB: env.DB, BETTER_AUTH_SECRET: SECRET }, { binding: "AUTH_DB" }))).toBe("DB_BINDING_MISSING");
  });
});

describe.each([
  ["drizzle", factories.drizzle],
  ["kysely", factories.kysely],
] as const)("%s createAuth", (_name, createAuth) => {
  it("throws the typed error at creation, before any request", () => {
    expect(codeOf(() => createAuth({ DB: env.DB }))).toBe("SECRET_MISSING");
    expect(codeOf(() => createAuth({ BETTER_AUTH_SECRET: SECRET }))).toBe("DB_BINDING_MISSING");
  });

  it("refuses database and secret options, which come from env", () => {
    expect(codeOf(() => createAuth({ DB: env.DB, BETTER_AUTH_SECRET: SECRET }, { secret: "x" } as never))).toBe("OPTIONS_INVALID");
  });
});

describe("isAuthD1Error", () => {
  it("recognises an error from a second copy of the package by name and code", () => {
    const foreign = Object.assign(new Error("[auth-d1] SECRET_MISSING: ..."), { name: "AuthD1Error", code: "SECRET_MISSING" });
    expect(isAuthD1Error(foreign)).toBe(true);
    expect(isAuthD1Error(new AuthD1Error("URL_INVALID", "bad"))).toBe(true);
    expect(isAuthD1Error(Object.assign(new Error("x"), { name: "AuthD1Error", code: "NOT_A_CODE" }))).toBe(false);
    expect(isAuthD1Error({ name: "AuthD1Error", code: "SECRET_MISSING" })).toBe(false);
  });
});
