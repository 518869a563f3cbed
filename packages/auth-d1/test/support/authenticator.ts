/**
 * A software WebAuthn authenticator, so passkey tests run the real ceremonies against the real verifier
 * (`@simplewebauthn/server` inside `@better-auth/passkey`): a P-256 key pair from WebCrypto, a COSE public
 * key and authenticator data encoded as CBOR, `none` attestation, and DER-encoded ECDSA assertions.
 * Everything it returns is base64url JSON, as a browser's `PublicKeyCredential.toJSON()` would be.
 *
 * @example
 * const authenticator = await SoftAuthenticator.create();
 * const options = (await client.get("/passkey/generate-register-options")).body;
 * await client.post("/passkey/verify-registration", { response: await authenticator.register(options) });
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { ORIGIN } from "./client.js";

/** What the authenticator reads from the server's creation or request options. */
export interface ChallengeOptions {
  challenge: string;
}

/** What a browser would write into clientDataJSON beyond the challenge; tests override it to lie. */
export interface CeremonyOverrides {
  /** The page's origin as the browser reports it. Defaults to the test origin, http://localhost:8787. */
  origin?: string;
}

export interface RegistrationResponseJSON {
  id: string;
  rawId: string;
  type: "public-key";
  response: { clientDataJSON: string; attestationObject: string; transports: string[] };
  clientExtensionResults: Record<string, never>;
}

export interface AuthenticationResponseJSON {
  id: string;
  rawId: string;
  type: "public-key";
  response: { clientDataJSON: string; authenticatorData: string; signature: string };
  clientExtensionResults: Record<string, never>;
}

const RP_ID = "localhost";
const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

/** One credential on one device: its key pair, id, AAGUID and signature counter. */
export class SoftAuthenticator {
  /** The credential id, base64url, as the passkey row stores it. */
  readonly credentialId: string;
  /** The authenticator model's AAGUID, as the passkey row stores it. */
  readonly aaguid: string;
  /** Assertions made so far; each one signs the next value. */
  signCount = 0;
  readonly #keys: CryptoKeyPair;

  private constructor(keys: CryptoKeyPair, credentialId: string) {
    this.#keys = keys;
    this.credentialId = credentialId;
    this.aaguid = crypto.randomUUID();
  }

  /** A new credential; pass `credentialId` to make a key that claims someone else's credential. */
  static async create(options: { credentialId?: string } = {}): Promise<SoftAuthenticator> {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])) as CryptoKeyPair;
    return new SoftAuthenticator(keys, options.credentialId ?? base64url(crypto.getRandomValues(new Uint8Array(32))));
  }

  /** Answers `navigator.credentials.create()`: attested credential data with the COSE key, fmt "none". */
  async register(options: ChallengeOptions, overrides: CeremonyOverrides = {}): Promise<RegistrationResponseJSON> {
    const raw = new Uint8Array((await crypto.subtle.exportKey("raw", this.#keys.publicKey)) as ArrayBuffer);
    const coseKey = cbor(new Map<number, CBORValue>([[1, 2], [3, -7], [-1, 1], [-2, raw.slice(1, 33)], [-3, raw.slice(33, 65)]]));
    const id = Buffer.from(this.credentialId, "base64url");
    const length = new Uint8Array([id.length >> 8, id.length & 0xff]);
    const authData = concat(await this.#authDataHeader(UP | UV | AT, 0), uuidBytes(this.aaguid), length, id, coseKey);
    const attestationObject = cbor(new Map<string, CBORValue>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]));
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: { clientDataJSON: clientData("webauthn.create", options, overrides), attestationObject: base64url(attestationObject), transports: ["internal"] },
      clientExtensionResults: {},
    };
  }

  /** Answers `navigator.credentials.get()`: signs authenticatorData || SHA-256(clientDataJSON), counting up. */
  async assert(options: ChallengeOptions, overrides: CeremonyOverrides = {}): Promise<AuthenticationResponseJSON> {
    this.signCount += 1;
    const authData = await this.#authDataHeader(UP | UV, this.signCount);
    const clientDataJSON = clientData("webauthn.get", options, overrides);
    const clientDataHash = new Uint8Array(await crypto.subtle.digest("SHA-256", Buffer.from(clientDataJSON, "base64url")));
    const signed = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, this.#keys.privateKey, concat(authData, clientDataHash));
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: { clientDataJSON, authenticatorData: base64url(authData), signature: base64url(derSignature(new Uint8Array(signed))) },
      clientExtensionResults: {},
    };
  }

  /** rpIdHash (32) | flags (1) | signCount (4, big-endian). */
  async #authDataHeader(flags: number, signCount: number): Promise<Uint8Array> {
    const rpIdHash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(RP_ID)));
    const header = concat(rpIdHash, new Uint8Array(5));
    header[32] = flags;
    new DataView(header.buffer).setUint32(33, signCount);
    return header;
  }
}

function clientData(type: "webauthn.create" | "webauthn.get", options: ChallengeOptions, overrides: CeremonyOverrides): string {
  return base64url(new TextEncoder().encode(JSON.stringify({ type, challenge: options.challenge, origin: overrides.origin ?? ORIGIN, crossOrigin: false })));
}

/** The subset of CBOR (RFC 8949) WebAuthn needs here: integers, text, byte strings and maps. */
type CBORValue = number | string | Uint8Array | Map<number | string, CBORValue>;

function cbor(value: CBORValue): Uint8Array {
  if (typeof value === "number") return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === "string") {
    const text = new TextEncoder().encode(value);
    return concat(cborHead(3, text.length), text);
  }
  if (value instanceof Uint8Array) return concat(cborHead(2, value.length), value);
  return concat(cborHead(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)]));
}

function cborHead(major: number, argument: number): Uint8Array {
  if (argument < 24) return new Uint8Array([(major << 5) | argument]);
  if (argument < 0x100) return new Uint8Array([(major << 5) | 24, argument]);
  if (argument < 0x10000) return new Uint8Array([(major << 5) | 25, argument >> 8, argument & 0xff]);
  throw new Error(`cbor: ${argument} is larger than this encoder needs to handle`);
}

/** WebCrypto signs ECDSA as raw r || s; WebAuthn wants ASN.1 DER: SEQUENCE { INTEGER r, INTEGER s }. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array): Uint8Array => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
    const trimmed = bytes.slice(start);
    // A set high bit would read as negative: DER prepends a zero byte.
    const positive = trimmed[0]! & 0x80 ? concat(new Uint8Array([0]), trimmed) : trimmed;
    return concat(new Uint8Array([0x02, positive.length]), positive);
  };
  const body = concat(integer(raw.slice(0, 32)), integer(raw.slice(32, 64)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

function uuidBytes(uuid: string): Uint8Array {
  return Buffer.from(uuid.replaceAll("-", ""), "hex");
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
