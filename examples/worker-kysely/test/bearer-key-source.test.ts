// bearerUserId with a key source whose keys the test controls. It shows when the per-isolate key set is
// read (the Worker's own set only changes on rotation, which a test cannot wait for), and refuses tokens
// the Worker's key would never sign, such as one without exp.
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { bearerUserId, type KeySetSource } from "../src/bearer.js";
import { HttpError } from "../src/http-error.js";

const ORIGIN = "https://notes.example";

interface Signer {
  publicJwk: JWK;
  sign(sub: string): Promise<string>;
  signWithoutExpiry(sub: string): Promise<string>;
}

async function newSigner(kid: string): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA" };
  const unsigned = (sub: string) => new SignJWT({}).setProtectedHeader({ alg: "EdDSA", kid }).setSubject(sub).setIssuer(ORIGIN).setAudience(ORIGIN);
  return {
    publicJwk,
    sign: (sub) => unsigned(sub).setExpirationTime("5m").sign(privateKey),
    signWithoutExpiry: (sub) => unsigned(sub).sign(privateKey),
  };
}

/** A key source that serves `keys` as they are at each read, and counts the reads. */
function keySource(keys: JWK[]): KeySetSource & { reads: number } {
  const source = {
    reads: 0,
    api: {
      async getJwks(): Promise<JSONWebKeySet> {
        source.reads += 1;
        return { keys: [...keys] };
      },
    },
  };
  return source;
}

function bearer(token: string): Request {
  return new Request(`${ORIGIN}/api/notes`, { headers: { authorization: `Bearer ${token}` } });
}

describe("the key set bearerUserId keeps per auth instance", () => {
  it("is read once and then reused", async () => {
    const first = await newSigner("first");
    const source = keySource([first.publicJwk]);

    expect(await bearerUserId(bearer(await first.sign("ada")), source, ORIGIN)).toBe("ada");
    expect(await bearerUserId(bearer(await first.sign("grace")), source, ORIGIN)).toBe("grace");

    expect(source.reads).toBe(1);
  });

  it("is read again when a token names a key it lacks, so a key added since (a rotation) verifies", async () => {
    const first = await newSigner("first");
    const keys = [first.publicJwk];
    const source = keySource(keys);
    await bearerUserId(bearer(await first.sign("ada")), source, ORIGIN);
    const second = await newSigner("second");
    keys.push(second.publicJwk);

    expect(await bearerUserId(bearer(await second.sign("ada")), source, ORIGIN)).toBe("ada");
    expect(source.reads).toBe(2);
    // The refreshed set is the one kept: both keys verify with no further read.
    await bearerUserId(bearer(await first.sign("ada")), source, ORIGIN);
    await bearerUserId(bearer(await second.sign("ada")), source, ORIGIN);
    expect(source.reads).toBe(2);
  });

  it("refuses a key that is still missing after the second read, with 401 TOKEN_INVALID", async () => {
    const source = keySource([(await newSigner("first")).publicJwk]);
    const stranger = await newSigner("stranger");

    const refusal = bearerUserId(bearer(await stranger.sign("ada")), source, ORIGIN);

    await expect(refusal).rejects.toBeInstanceOf(HttpError);
    await expect(refusal).rejects.toMatchObject({ status: 401, code: "TOKEN_INVALID" });
    expect(source.reads).toBe(2);
  });

  it("passes on a failed read as it is (a server error, not a 401) and does not keep it", async () => {
    const first = await newSigner("first");
    const source = keySource([first.publicJwk]);
    const down = new Error("D1 is unreachable");
    const read = source.api.getJwks;
    source.api.getJwks = () => Promise.reject(down);

    await expect(bearerUserId(bearer(await first.sign("ada")), source, ORIGIN)).rejects.toBe(down);

    source.api.getJwks = read;
    expect(await bearerUserId(bearer(await first.sign("ada")), source, ORIGIN)).toBe("ada");
  });
});

describe("claims bearerUserId requires", () => {
  it("refuses a token without exp, which would never expire, with 401 TOKEN_INVALID", async () => {
    const signer = await newSigner("first");
    const source = keySource([signer.publicJwk]);

    const refusal = bearerUserId(bearer(await signer.signWithoutExpiry("ada")), source, ORIGIN);

    await expect(refusal).rejects.toMatchObject({ status: 401, code: "TOKEN_INVALID" });
  });
});
