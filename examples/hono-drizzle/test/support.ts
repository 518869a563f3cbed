// Helpers the test files share: requests to the Worker under test, cookies, the mail log, TOTP codes.
import { exports } from "cloudflare:workers";
import { afterEach, beforeEach, expect, vi, type MockInstance } from "vitest";

/** BETTER_AUTH_URL in vitest.config.ts: the Worker's own origin. */
export const ORIGIN = "http://localhost:8787";
/** TRUSTED_ORIGINS in vitest.config.ts: a single-page app on another origin. */
export const SPA_ORIGIN = "http://localhost:5173";
export const PASSWORD = "correct horse battery staple";

export interface CallInit {
  method?: string;
  /** A string is sent as JSON; URLSearchParams as a form post. */
  body?: string | URLSearchParams;
  cookie?: string;
  /** The Origin header; ORIGIN unless given, none with null. */
  origin?: string | null;
  headers?: Record<string, string>;
}

/** A request to the Worker under test, as a browser on `origin` (or curl) would send it. */
export function call(path: string, init: CallInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const origin = init.origin === undefined ? ORIGIN : init.origin;
  if (origin !== null) headers.set("origin", origin);
  if (typeof init.body === "string") headers.set("content-type", "application/json");
  if (init.cookie !== undefined) headers.set("cookie", init.cookie);
  const request = new Request(`${ORIGIN}${path}`, { method: init.method ?? "GET", headers, body: init.body, redirect: "manual" });
  return exports.default.fetch(request);
}

export function postJSON(path: string, body: unknown, cookie?: string): Promise<Response> {
  return call(path, { method: "POST", body: JSON.stringify(body), cookie });
}

/** The `name=value` part of the session cookie a response sets. */
export function sessionCookie(res: Response): string {
  const cookie = res.headers.getSetCookie().find((line) => line.startsWith("better-auth.session_token="));
  if (cookie === undefined) throw new Error(`no session cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  return cookie.split(";")[0]!;
}

/** Every cookie a response sets (not those it deletes), as a Cookie header: what a browser would send back. */
export function cookiesFrom(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

/**
 * Keeps the Worker's console.log out of the test output while recording it; returns a function that lists
 * the `[mail]` lines of the current test. Call it once at the top of a test file.
 */
export function captureMailLog(): () => string[] {
  let consoleLog: MockInstance<typeof console.log>;
  beforeEach(() => {
    consoleLog = vi.spyOn(console, "log").mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return () => consoleLog.mock.calls.map(([line]) => String(line)).filter((line) => line.startsWith("[mail]"));
}

/** The link at the end of a logged `[mail] subject (to address): link` line. */
export function linkIn(mailLine: string | undefined): string {
  const link = mailLine?.split(": ").at(-1);
  if (link === undefined || !link.startsWith("http")) throw new Error(`no link in ${mailLine}`);
  return link;
}

export function uniqueEmail(): string {
  return `user-${crypto.randomUUID()}@example.com`;
}

/** Signs up a new user and returns their session cookie. */
export async function signUp(email: string, name = "Ada"): Promise<string> {
  const res = await postJSON("/api/auth/sign-up/email", { email, password: PASSWORD, name });
  expect(res.status).toBe(200);
  return sessionCookie(res);
}

/** The text inside the first element with this data-testid (tags stripped, whitespace collapsed). */
export function textOf(page: string, testId: string): string {
  const text = textsOf(page, testId)[0];
  if (text === undefined) throw new Error(`no data-testid="${testId}" in the page`);
  return text;
}

/** The text of every element with this data-testid. */
export function textsOf(page: string, testId: string): string[] {
  const texts: string[] = [];
  const attribute = `data-testid="${testId}"`;
  for (let at = page.indexOf(attribute); at !== -1; at = page.indexOf(attribute, at + 1)) {
    const tag = page.lastIndexOf("<", at);
    const name = /^<([a-z0-9]+)/.exec(page.slice(tag))![1]!;
    const inner = page.slice(page.indexOf(">", at) + 1, page.indexOf(`</${name}>`, at));
    texts.push(inner.replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim());
  }
  return texts;
}

/** The current RFC 6238 code (SHA-1, 30 s, 6 digits) for a base32 secret, as an authenticator app shows it. */
export async function totp(base32Secret: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", base32Decode(base32Secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const counter = new DataView(new ArrayBuffer(8));
  counter.setBigUint64(0, BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, counter.buffer));
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff;
  return String(value % 1_000_000).padStart(6, "0");
}

function base32Decode(text: string): Uint8Array<ArrayBuffer> {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes: number[] = [];
  let bits = 0;
  let buffer = 0;
  for (const char of text.replace(/=+$/, "").toUpperCase()) {
    buffer = (buffer << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return new Uint8Array(bytes);
}
