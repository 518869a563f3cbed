// What the notes API accepts as a bearer token, and what it refuses. Each refused token differs from a
// good one in one way, so each test shows the verifier checks that one thing.
import { env } from "cloudflare:workers";
import { base64url, decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from "jose";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { authFor } from "../src/auth.js";
import { ORIGIN } from "./support.js";
import { call, callWithToken, signUpWithToken } from "./worker.js";

beforeEach(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
  return () => vi.restoreAllMocks();
});

const HOUR_S = 60 * 60;

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Signs `payload` with this Worker's real signing key, in-process, as GET /api/auth/token would. */
async function signWithWorkerKey(payload: JWTPayload): Promise<string> {
  const { token } = await authFor(env).api.signJWT({ body: { payload } });
  return token;
}

/** Signs with a fresh Ed25519 key that is in no key set the Worker knows. */
async function signWithOwnKey(payload: JWTPayload, kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  return new SignJWT(payload).setProtectedHeader({ alg: "EdDSA", kid }).sign(privateKey);
}

/** The claims a token from /api/auth/token has, for `userId`, valid for another hour. */
function goodClaims(userId: string): JWTPayload {
  const now = nowSeconds();
  return { sub: userId, iss: ORIGIN, aud: ORIGIN, iat: now, exp: now + HOUR_S };
}

async function expect401(res: Response, code: string): Promise<void> {
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
  expect(await res.json()).toEqual({ code, message: expect.any(String) });
}

describe("tokens the notes API accepts", () => {
  it("takes the JWT GET /api/auth/token returns, with iss and aud = BETTER_AUTH_URL and sub = the user id", async () => {
    const ada = await signUpWithToken();

    const res = await callWithToken("/api/notes", ada.token);

    expect(res.status).toBe(200);
    expect(decodeJwt(ada.token)).toMatchObject({ sub: ada.id, iss: ORIGIN, aud: ORIGIN });
  });

  it("takes a token signed in-process with the Worker's key: the control for the refusals below", async () => {
    const ada = await signUpWithToken();

    const res = await callWithToken("/api/notes", await signWithWorkerKey(goodClaims(ada.id)));

    expect(res.status).toBe(200);
  });
});

describe("requests without a bearer token", () => {
  it("answers 401 TOKEN_MISSING with no Authorization header", async () => {
    await expect401(await call("/api/notes"), "TOKEN_MISSING");
  });

  it("answers 401 TOKEN_MISSING to a valid session cookie: the notes API takes tokens, not cookies", async () => {
    const ada = await signUpWithToken();

    await expect401(await call("/api/notes", { cookie: ada.cookie }), "TOKEN_MISSING");
  });

  it("answers 401 TOKEN_MISSING to another scheme", async () => {
    const ada = await signUpWithToken();

    await expect401(await call("/api/notes", { authorization: `Basic ${ada.token}` }), "TOKEN_MISSING");
  });
});

describe("tokens the notes API refuses", () => {
  it("refuses what is not a JWT", async () => {
    await expect401(await callWithToken("/api/notes", "not-a-jwt"), "TOKEN_INVALID");
  });

  it("refuses a real token whose payload was changed to name another user", async () => {
    const ada = await signUpWithToken();
    const grace = await signUpWithToken();
    const [header, , signature] = ada.token.split(".");
    const claims = { ...decodeJwt(ada.token), sub: grace.id, id: grace.id };
    const forged = [header, base64url.encode(JSON.stringify(claims)), signature].join(".");

    await expect401(await callWithToken("/api/notes", forged), "TOKEN_INVALID");
  });

  it("refuses a real token with one byte of its signature changed", async () => {
    const ada = await signUpWithToken();
    const [header, payload, signature] = ada.token.split(".") as [string, string, string];
    const bytes = base64url.decode(signature);
    bytes[0]! ^= 1;
    const tampered = [header, payload, base64url.encode(bytes)].join(".");

    await expect401(await callWithToken("/api/notes", tampered), "TOKEN_INVALID");
  });

  it("refuses good claims signed by another key that claims the Worker's key id", async () => {
    const ada = await signUpWithToken();
    const { kid } = decodeProtectedHeader(ada.token);

    await expect401(await callWithToken("/api/notes", await signWithOwnKey(goodClaims(ada.id), kid!)), "TOKEN_INVALID");
  });

  it("refuses good claims signed by another key under a key id the key set lacks (after reading the set again)", async () => {
    const ada = await signUpWithToken();

    await expect401(await callWithToken("/api/notes", await signWithOwnKey(goodClaims(ada.id), crypto.randomUUID())), "TOKEN_INVALID");
  });

  it("refuses good claims with no signature (alg none)", async () => {
    const ada = await signUpWithToken();
    const unsigned = new UnsecuredJWT(goodClaims(ada.id)).encode();

    await expect401(await callWithToken("/api/notes", unsigned), "TOKEN_INVALID");
  });

  it("refuses good claims signed HS256 with the Worker's public key as the secret (algorithm confusion)", async () => {
    const ada = await signUpWithToken();
    const { kid } = decodeProtectedHeader(ada.token);
    const { keys } = await authFor(env).api.getJwks();
    const publicKey = keys.find((key) => key.kid === kid)!;
    const confused = await new SignJWT(goodClaims(ada.id))
      .setProtectedHeader({ alg: "HS256", kid })
      .sign(base64url.decode(publicKey.x as string));

    await expect401(await callWithToken("/api/notes", confused), "TOKEN_INVALID");
  });

  it("refuses a token signed with the Worker's key whose exp has passed: 401 TOKEN_EXPIRED", async () => {
    const ada = await signUpWithToken();
    const now = nowSeconds();
    const expired = await signWithWorkerKey({ ...goodClaims(ada.id), iat: now - 2 * HOUR_S, exp: now - HOUR_S });

    await expect401(await callWithToken("/api/notes", expired), "TOKEN_EXPIRED");
  });

  it("refuses a token signed with the Worker's key for another audience", async () => {
    const ada = await signUpWithToken();
    const elsewhere = await signWithWorkerKey({ ...goodClaims(ada.id), aud: "https://other-service.example" });

    await expect401(await callWithToken("/api/notes", elsewhere), "TOKEN_INVALID");
  });

  it("refuses a token signed with the Worker's key from another issuer", async () => {
    const ada = await signUpWithToken();
    const elsewhere = await signWithWorkerKey({ ...goodClaims(ada.id), iss: "https://other-issuer.example" });

    await expect401(await callWithToken("/api/notes", elsewhere), "TOKEN_INVALID");
  });

  it("refuses a token signed with the Worker's key that names no user", async () => {
    const { sub: _, ...noSubject } = goodClaims("unused");
    const anonymous = await signWithWorkerKey(noSubject);

    await expect401(await callWithToken("/api/notes", anonymous), "TOKEN_INVALID");
  });
});
