/**
 * Who is calling: the user id in an `Authorization: Bearer <jwt>` header, checked against this Worker's keys.
 *
 * @module
 */
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { HttpError } from "./http-error.js";

/** The part of the auth instance the check needs: the JWT plugin's key set, read in-process. */
export interface KeySetSource {
  api: { getJwks(): Promise<JSONWebKeySet> };
}

type KeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * The public keys per auth instance, for the life of the isolate. jose keeps the imported keys inside
 * each key set, so a warm isolate verifies without touching D1 or importing a key again.
 */
const keySets = new WeakMap<KeySetSource, Promise<KeySet>>();

/**
 * The id (`sub`) of the user a request's bearer token belongs to. The token must be one `GET /api/auth/token`
 * issued: signed by a key in this Worker's key set, issued by and for `origin` (better-auth uses
 * BETTER_AUTH_URL as both `iss` and `aud`), and not expired. Anything else throws a 401 {@link HttpError}:
 * `TOKEN_MISSING`, `TOKEN_EXPIRED` or `TOKEN_INVALID`.
 *
 * @example
 * ```ts
 * const userId = await bearerUserId(request, authFor(env), env.BETTER_AUTH_URL);
 * ```
 */
export async function bearerUserId(request: Request, auth: KeySetSource, origin: string): Promise<string> {
  const token = /^Bearer +(\S+) *$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (token === undefined) {
    throw new HttpError(401, "TOKEN_MISSING", "Send Authorization: Bearer <jwt>, with a JWT from GET /api/auth/token.", {
      headers: { "www-authenticate": "Bearer" },
    });
  }
  let subject: unknown;
  try {
    subject = (await verifyWithRefresh(token, auth, origin)).payload.sub;
  } catch (error) {
    // jose's error codes, not its classes: `instanceof` fails when a bundle holds two copies of jose.
    // Anything else (D1 unreachable while reading the keys) is the server's fault and stays a 500.
    const code = codeOf(error);
    if (!code?.startsWith("ERR_J")) throw error;
    if (code === "ERR_JWT_EXPIRED") throw invalidToken("TOKEN_EXPIRED", "The token has expired: get a new one from GET /api/auth/token.", error);
    throw invalidToken("TOKEN_INVALID", "The token is not one this Worker issued, or it was altered.", error);
  }
  if (typeof subject !== "string" || subject === "") throw invalidToken("TOKEN_INVALID", "The token names no user.");
  return subject;
}

function invalidToken(code: string, message: string, cause?: unknown): HttpError {
  return new HttpError(401, code, message, { headers: { "www-authenticate": `Bearer error="invalid_token"` }, cause });
}

async function verifyWithRefresh(token: string, auth: KeySetSource, origin: string): ReturnType<typeof jwtVerify> {
  // Without requiredClaims a token with no exp would never expire; sub is checked by the caller.
  const options = { issuer: origin, audience: origin, requiredClaims: ["exp"] };
  try {
    return await jwtVerify(token, await cachedKeySet(auth), options);
  } catch (error) {
    // A key made since we cached the set (the first key, or a rotation): read the set once more. The JWT
    // preset keeps its own copy of the keys in memory, so an unknown kid does not cost a D1 read.
    if (codeOf(error) !== "ERR_JWKS_NO_MATCHING_KEY") throw error;
    return await jwtVerify(token, await freshKeySet(auth), options);
  }
}

function cachedKeySet(auth: KeySetSource): Promise<KeySet> {
  return keySets.get(auth) ?? freshKeySet(auth);
}

function freshKeySet(auth: KeySetSource): Promise<KeySet> {
  const loading = auth.api.getJwks().then((jwks) => createLocalJWKSet(jwks));
  keySets.set(auth, loading);
  // Forget a failed read, so the next request tries again instead of failing for the life of the isolate.
  loading.catch(() => keySets.get(auth) === loading && keySets.delete(auth));
  return loading;
}

function codeOf(error: unknown): string | undefined {
  const code: unknown = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}
