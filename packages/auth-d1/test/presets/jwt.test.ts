import { env } from "cloudflare:test";
import type { JwtOptions } from "better-auth/plugins/jwt";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyResult } from "jose";
import { describe, expect, it } from "vitest";
import * as presets from "../../src/presets/index.js";
import { adaptersWith, factories, type AuthHandler, countingD1, ORIGIN, PASSWORD, signedUp, TestClient } from "../support/index.js";

/** better-auth's default `jwt.expirationTime`, "15m". */
const DEFAULT_LIFETIME_S = 15 * 60;
const HOUR_S = 60 * 60;
const DAY_S = 24 * HOUR_S;
/** A key lives an hour and verifies for a day after it expires. */
const ROTATING: JwtOptions = { jwks: { rotationInterval: HOUR_S, gracePeriod: DAY_S } };


// One instance per adapter for the tests that take whatever key the table holds, as a Worker would.
const both = adaptersWith(() => ({ plugins: [presets.jwt()] }));

interface JwksRow {
  id: string;
  public_key: string;
  private_key: string;
  created_at: string;
  expires_at: string | null;
  alg: string | null;
  crv: string | null;
}

async function jwksRows(): Promise<JwksRow[]> {
  return (await env.DB.prepare("SELECT * FROM jwks ORDER BY created_at").all<JwksRow>()).results;
}

/**
 * The tests below that need to know which keys exist start from an empty jwks table (the table is shared by
 * every test in this file) and from a new isolate: a fresh env and options object, so createAuth builds a
 * new instance and the preset a new, empty key cache. A fresh env, not only fresh options, also keeps
 * createAuth's "new options object on every call" warning for real misuse.
 */
async function emptyKeyTable(): Promise<void> {
  await env.DB.prepare("DELETE FROM jwks").run();
}

function newIsolate(name: keyof typeof factories, jwtOptions?: JwtOptions, database: D1Database = env.DB): AuthHandler {
  return factories[name]({ ...env, DB: database }, { plugins: [presets.jwt(jwtOptions)] });
}

/** A Worker whose requests land on whichever isolate is current, so one client's cookies follow them all. */
interface RoutedWorker extends AuthHandler {
  isolate: AuthHandler;
}

function routedTo(isolate: AuthHandler): RoutedWorker {
  const worker: RoutedWorker = { isolate, handler: (request) => worker.isolate.handler(request) };
  return worker;
}

/** Moves a key's expiry to `secondsAgo` in the past, as time would. */
async function expireKey(kid: string, secondsAgo: number): Promise<void> {
  const expiresAt = new Date(Date.now() - secondsAgo * 1000).toISOString();
  const result = await env.DB.prepare("UPDATE jwks SET expires_at = ? WHERE id = ?").bind(expiresAt, kid).run();
  expect(result.meta.changes).toBe(1);
}

async function signedIn(auth: AuthHandler, email: string): Promise<TestClient> {
  const client = new TestClient(auth);
  expect((await client.post("/sign-in/email", { email, password: PASSWORD })).status).toBe(200);
  return client;
}

async function tokenOf(client: TestClient): Promise<string> {
  const res = await client.get<{ token: string }>("/token");
  expect(res.status).toBe(200);
  expect(typeof res.body.token).toBe("string");
  return res.body.token;
}

/** `GET /jwks` as any relying party fetches it: no cookie. */
async function keySetOf(auth: AuthHandler): Promise<JSONWebKeySet> {
  const res = await new TestClient(auth).get<JSONWebKeySet>("/jwks");
  expect(res.status).toBe(200);
  return res.body;
}

function verify(token: string, keySet: JSONWebKeySet): Promise<JWTVerifyResult> {
  return jwtVerify(token, createLocalJWKSet(keySet), { issuer: ORIGIN, audience: ORIGIN });
}

function kidsOf(keySet: JSONWebKeySet): string[] {
  return keySet.keys.map((key) => key.kid!).sort();
}

/** Statements touching the jwks table, by kind. */
function onJwks(statements: string[]): { reads: string[]; writes: string[] } {
  const touching = statements.filter((sql) => /\bjwks\b/i.test(sql));
  return {
    reads: touching.filter((sql) => /^\s*select\b/i.test(sql)),
    writes: touching.filter((sql) => !/^\s*select\b/i.test(sql)),
  };
}

describe.each(both)("$name presets.jwt over HTTP", ({ name, auth }) => {
  it("GET /token returns a JWT for the session's user that verifies against GET /jwks", async () => {
    const { client, email, userId } = await signedUp(auth(), "jwt-token");
    const token = await tokenOf(client);
    const keySet = await keySetOf(auth());
    const { payload, protectedHeader } = await verify(token, keySet);

    expect(protectedHeader).toEqual({ alg: "EdDSA", kid: expect.any(String) });
    expect(kidsOf(keySet)).toContain(protectedHeader.kid);
    // better-auth signs the whole session user as the payload, sub = user id, iss and aud = baseURL
    // (BETTER_AUTH_URL here), and a 15-minute lifetime.
    const { body: session } = await client.get("/get-session");
    expect(payload).toEqual({
      ...session.user,
      iat: expect.any(Number),
      exp: expect.any(Number),
      sub: userId,
      iss: "http://localhost:8787",
      aud: "http://localhost:8787",
    });
    expect(payload).toMatchObject({ id: userId, email, name: "Ada Lovelace", emailVerified: false });
    expect(payload.exp! - payload.iat!).toBe(DEFAULT_LIFETIME_S);
  });

  it("serves public Ed25519 keys only: kty OKP, crv Ed25519, alg EdDSA, no private part", async () => {
    const { client } = await signedUp(auth(), "jwt-keytype");
    await tokenOf(client);
    const keySet = await keySetOf(auth());
    expect(keySet.keys.length).toBeGreaterThan(0);
    const rows = await jwksRows();
    for (const key of keySet.keys) {
      expect(key).toEqual({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", x: expect.any(String), kid: expect.any(String) });
      const row = rows.find((r) => r.id === key.kid);
      expect(row).toMatchObject({ alg: "EdDSA", crv: "Ed25519" });
      // The private half is stored encrypted with the secret, never as a plain JWK.
      expect(row!.private_key).not.toMatch(/"d"\s*:/);
    }
  });

  it("refuses GET /token without a session, and creates no key for it", async () => {
    const before = await jwksRows();
    const res = await new TestClient(auth()).get("/token");
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("UNAUTHORIZED");
    expect(await jwksRows()).toEqual(before);
  });

  it("sends the JWT in set-auth-jwt on get-session, and exposes the header to browsers", async () => {
    const { client, userId } = await signedUp(auth(), "jwt-header");
    const res = await client.get("/get-session");
    expect(res.status).toBe(200);
    const token = res.headers.get("set-auth-jwt");
    expect(token).toEqual(expect.any(String));
    const { payload } = await verify(token!, await keySetOf(auth()));
    expect(payload).toMatchObject({ sub: userId, email: res.body.user.email });
    expect(payload.exp! - payload.iat!).toBe(DEFAULT_LIFETIME_S);
    expect(res.headers.get("access-control-expose-headers")).toContain("set-auth-jwt");

    const anonymous = await new TestClient(auth()).get("/get-session");
    expect(anonymous.body).toBeNull();
    expect(anonymous.headers.get("set-auth-jwt")).toBeNull();
  });

  it("rotates: an expired key is replaced for signing and still verifies until its grace period ends", async () => {
    await emptyKeyTable();
    const worker = routedTo(newIsolate(name, ROTATING));
    const { client } = await signedUp(worker, "jwt-rotate");
    const oldToken = await tokenOf(client);
    const [oldKey] = await jwksRows();
    // created_at and expires_at come from two clock reads: the lifetime is an hour, give or take a few ms.
    const lifetimeMs = new Date(oldKey!.expires_at!).getTime() - new Date(oldKey!.created_at).getTime();
    expect(lifetimeMs).toBeGreaterThanOrEqual(HOUR_S * 1000);
    expect(lifetimeMs).toBeLessThan(HOUR_S * 1000 + 60_000);

    // Expired a minute ago: a new isolate signs with a new key and lists both.
    await expireKey(oldKey!.id, 60);
    worker.isolate = newIsolate(name, ROTATING);
    const newToken = await tokenOf(client);
    const inGrace = await keySetOf(worker);
    const newKid = (await verify(newToken, inGrace)).protectedHeader.kid;
    expect(newKid).not.toBe(oldKey!.id);
    expect(kidsOf(inGrace)).toEqual([oldKey!.id, newKid].sort());
    expect((await verify(oldToken, inGrace)).protectedHeader.kid).toBe(oldKey!.id);

    // Expired longer ago than the grace period: the old key is no longer served, so its tokens fail.
    await expireKey(oldKey!.id, DAY_S + 60);
    worker.isolate = newIsolate(name, ROTATING);
    const afterGrace = await keySetOf(worker);
    expect(kidsOf(afterGrace)).toEqual([newKid]);
    await expect(verify(oldToken, afterGrace)).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
    expect((await verify(newToken, afterGrace)).protectedHeader.kid).toBe(newKid);
    // better-auth filters expired keys out when serving; it never deletes them.
    expect((await jwksRows()).map((row) => row.id).sort()).toEqual([oldKey!.id, newKid].sort());
  });

  it("rotates once for all isolates: one whose cached key expired adopts the key another isolate made", async () => {
    await emptyKeyTable();
    const worker = routedTo(newIsolate(name, ROTATING));
    const { client } = await signedUp(worker, "jwt-isolates");
    const oldKid = (await verify(await tokenOf(client), await keySetOf(worker))).protectedHeader.kid!;
    await expireKey(oldKid, 60);

    // Isolate A holds only the expired key, as every warm isolate does once the expiry time passes (here A
    // reads after the SQL moved it); isolate B then rotates.
    const db = countingD1(env.DB);
    const a = newIsolate(name, ROTATING, db.binding);
    const b = newIsolate(name, ROTATING);
    expect(kidsOf(await keySetOf(a))).toEqual([oldKid]);
    worker.isolate = b;
    const fromB = await tokenOf(client);
    const newKid = (await verify(fromB, await keySetOf(b))).protectedHeader.kid;

    // A signs with B's key rather than minting a third: holding no live key, it reads D1 once more before
    // minting. A relying party that fetched A's /jwks verifies B's token.
    worker.isolate = a;
    let mark = db.statements.length;
    const fromA = await tokenOf(client);
    expect(onJwks(db.statements.slice(mark))).toEqual({ reads: [expect.any(String)], writes: [] });
    mark = db.statements.length;
    const served = await keySetOf(a);
    expect(onJwks(db.statements.slice(mark))).toEqual({ reads: [], writes: [] });
    expect((await verify(fromA, served)).protectedHeader.kid).toBe(newKid);
    expect((await verify(fromB, served)).protectedHeader.kid).toBe(newKid);
    expect(kidsOf(served)).toEqual([oldKid, newKid].sort());
    expect(await jwksRows()).toHaveLength(2);
  });

  it("reads the key set from D1 once per isolate: later /jwks and /token issue no jwks statement", async () => {
    await emptyKeyTable();
    const db = countingD1(env.DB);
    const isolate = newIsolate(name, undefined, db.binding);
    const { client } = await signedUp(isolate, "jwt-cache");

    // The first /jwks finds no key, creates one, and serves the key it created without reading again.
    let mark = db.statements.length;
    const first = await keySetOf(isolate);
    const firstRequest = onJwks(db.statements.slice(mark));
    expect(firstRequest.reads).toHaveLength(1);
    expect(firstRequest.writes).toHaveLength(1);
    expect(firstRequest.writes[0]).toMatch(/^\s*insert\b/i);
    const [created] = await jwksRows();
    expect(kidsOf(first)).toEqual([created!.id]);

    mark = db.statements.length;
    const again = await keySetOf(isolate);
    const tokens = [await tokenOf(client), await tokenOf(client)];
    await keySetOf(isolate);
    expect(db.statements.length).toBeGreaterThan(mark); // the session lookups are recorded
    expect(onJwks(db.statements.slice(mark))).toEqual({ reads: [], writes: [] });
    expect(again).toEqual(first);
    for (const token of tokens) expect((await verify(token, first)).protectedHeader.kid).toBe(created!.id);
  });

  it("serves a key the isolate created for /token without reading it back, and a new isolate reuses it", async () => {
    await emptyKeyTable();
    const db = countingD1(env.DB);
    const isolate = newIsolate(name, undefined, db.binding);
    const { client, email } = await signedUp(isolate, "jwt-created");

    let mark = db.statements.length;
    const token = await tokenOf(client);
    const firstRequest = onJwks(db.statements.slice(mark));
    expect(firstRequest.reads).toHaveLength(1);
    expect(firstRequest.writes).toHaveLength(1);

    mark = db.statements.length;
    const keySet = await keySetOf(isolate);
    expect(onJwks(db.statements.slice(mark))).toEqual({ reads: [], writes: [] });
    const kid = (await verify(token, keySet)).protectedHeader.kid;
    expect(kidsOf(keySet)).toEqual([kid]);

    // Another isolate finds the key in D1 with one read, and signs with it rather than making its own.
    const other = countingD1(env.DB);
    const otherIsolate = newIsolate(name, undefined, other.binding);
    const elsewhere = new TestClient(otherIsolate);
    expect((await elsewhere.post("/sign-in/email", { email, password: PASSWORD })).status).toBe(200);
    mark = other.statements.length;
    const otherToken = await tokenOf(elsewhere);
    expect(onJwks(other.statements.slice(mark))).toMatchObject({ reads: [expect.any(String)], writes: [] });
    expect((await verify(otherToken, keySet)).protectedHeader.kid).toBe(kid);
    expect(await jwksRows()).toHaveLength(1);
  });
  it("survives a replaced secret: the unreadable key stops signing, a new one takes over, old tokens verify", async () => {
    await emptyKeyTable();
    const before = factories[name]({ ...env, BETTER_AUTH_SECRET: "the-first-secret-of-this-worker-0123456789" }, { plugins: [presets.jwt()] });
    const { email } = await signedUp(before, "jwt-resecret");
    const oldToken = await tokenOf(await signedIn(before, email));
    const [oldKey] = await jwksRows();

    // BETTER_AUTH_SECRET replaced outright (not rotated through BETTER_AUTH_SECRETS): a new isolate starts.
    const after = factories[name]({ ...env, BETTER_AUTH_SECRET: "a-replacement-secret-for-this-worker-987654" }, { plugins: [presets.jwt()] });
    const client = await signedIn(after, email);
    const session = await client.get("/get-session");
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe(email);
    const newToken = await tokenOf(client);
    const keySet = await keySetOf(after);
    expect((await verify(newToken, keySet)).protectedHeader.kid).not.toBe(oldKey!.id);
    expect(kidsOf(keySet)).toContain(oldKey!.id);
    expect((await verify(oldToken, keySet)).payload.email).toBe(email);
    // Only the cached copy is retired: D1 keeps the old row as it was.
    expect((await jwksRows()).find((row) => row.id === oldKey!.id)?.expires_at).toBeNull();
  });
});
