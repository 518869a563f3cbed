/**
 * Sends one request to a bench Worker and measures it: D1 counts from `x-bench-d1`, the Worker's workerd
 * CPU time from /proc (schedstat, nanoseconds) read before and after, and wall time. Requests are sequential.
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { cpuNanoseconds } from "./server.mjs";

/** Cookies by name, as a browser keeps them for one site. */
export class CookieJar {
  cookies = new Map();

  /**
   * Takes the Set-Cookies of `response` (a Max-Age of 0 removes the cookie): every one, or only those whose
   * name ends with one of `suffixes` when given.
   */
  take(response, suffixes) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(";");
      const name = pair.slice(0, pair.indexOf("=")).trim();
      if (suffixes && !suffixes.some((suffix) => name.endsWith(suffix))) continue;
      const value = pair.slice(pair.indexOf("=") + 1).trim();
      if (attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }

  /** The Cookie header, with only the cookies whose name ends with one of `suffixes` when given. */
  header(suffixes) {
    return [...this.cookies]
      .filter(([name]) => !suffixes || suffixes.some((suffix) => name.endsWith(suffix)))
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
  }

  copy() {
    const jar = new CookieJar();
    jar.cookies = new Map(this.cookies);
    return jar;
  }
}

/**
 * Sends a request and measures it. `cookies` is the Cookie header. Answers the status, the parsed JSON body
 * (if any), the response, `trips`/`statements` (undefined without the header), `cpuMs` and `wallMs`.
 */
export async function measure(server, method, path, { body, cookies } = {}) {
  const headers = { origin: server.base };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (cookies) headers.cookie = cookies;
  const cpuBefore = cpuNanoseconds(server.cpuPids);
  const started = performance.now();
  const response = await fetch(`${server.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual" });
  const text = await response.text();
  const wallMs = performance.now() - started;
  const cpuMs = (cpuNanoseconds(server.cpuPids) - cpuBefore) / 1e6;
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const counts = parseCounts(response.headers.get("x-bench-d1"));
  return { status: response.status, json, text, response, ...counts, ...bookmarkBytes(response, cookies), cpuMs, wallMs };
}

/** The bookmark cookie's name ends with this (`better-auth.d1_bookmark`, or with a `__Secure-` prefix). */
export const BOOKMARK_COOKIE = ".d1_bookmark";
const BOOKMARK_HEADER = "x-d1-bookmark";

/**
 * `x-bench-d1: trips=N; statements=M[; replica_eligible=R; primary_session=P][; js_ms=T]` as numbers; every
 * field is undefined without the header, the replica fields are 0 when a Worker does not send them.
 */
export function parseCounts(header) {
  const fields = Object.fromEntries((header ?? "").split(";").map((field) => field.trim().split("=")).filter(([key, value]) => key && /^\d+(\.\d+)?$/.test(value ?? "")).map(([key, value]) => [key, Number(value)]));
  if (fields.trips === undefined || fields.statements === undefined) return { trips: undefined, statements: undefined, replicaEligible: undefined, primarySession: undefined, jsMs: undefined };
  return { trips: fields.trips, statements: fields.statements, replicaEligible: fields.replica_eligible ?? 0, primarySession: fields.primary_session ?? 0, jsMs: fields.js_ms };
}

/**
 * What the read-replication bookmark adds, in bytes as HTTP/1.1 carries them: to the response, its
 * `x-d1-bookmark` header line and its bookmark `Set-Cookie` line (`name: value` and CRLF); to the request,
 * the `name=value` pair of the bookmark in the Cookie header and its `; ` separator.
 */
function bookmarkBytes(response, cookies) {
  const lineBytes = (name, value) => Buffer.byteLength(`${name}: ${value}\r\n`);
  const header = response.headers.get(BOOKMARK_HEADER);
  const bookmarkHeaderBytes = header === null ? 0 : lineBytes(BOOKMARK_HEADER, header);
  let bookmarkCookieBytes = 0;
  for (const cookie of response.headers.getSetCookie()) {
    if (cookie.slice(0, cookie.indexOf("=")).trim().endsWith(BOOKMARK_COOKIE)) bookmarkCookieBytes += lineBytes("set-cookie", cookie);
  }
  const sent = (cookies ?? "").split("; ").find((pair) => pair.slice(0, pair.indexOf("=")).endsWith(BOOKMARK_COOKIE));
  return { bookmarkHeaderBytes, bookmarkCookieBytes, bookmarkBytes: bookmarkHeaderBytes + bookmarkCookieBytes, bookmarkSentBytes: sent ? Buffer.byteLength(sent) + 2 : 0 };
}

/** The current TOTP code (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits) for a base32 secret. */
export function totp(base32Secret, now = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of base32Secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
  const digest = createHmac("sha1", key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0xf;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}
