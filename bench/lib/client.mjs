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

  /** Takes every Set-Cookie of `response` (a Max-Age of 0 removes the cookie). */
  take(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(";");
      const name = pair.slice(0, pair.indexOf("=")).trim();
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
  const match = /trips=(\d+); statements=(\d+)/.exec(response.headers.get("x-bench-d1") ?? "");
  return { status: response.status, json, text, response, trips: match ? Number(match[1]) : undefined, statements: match ? Number(match[2]) : undefined, cpuMs, wallMs };
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
