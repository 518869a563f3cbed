// Requests to the Worker under test and its mail log: workerd only (cloudflare:workers). What any runtime can
// load, the browser journey included, lives in support.ts.
import { exports } from "cloudflare:workers";
import { afterEach, beforeEach, expect, vi, type MockInstance } from "vitest";
import { ORIGIN, PASSWORD, sessionCookie } from "./support.js";

export interface CallInit {
  method?: string;
  /** A string is sent as JSON; URLSearchParams as a form post; a stream as it is, with the headers given. */
  body?: string | URLSearchParams | ReadableStream<Uint8Array>;
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

/** Signs up a new user and returns their session cookie. */
export async function signUp(email: string, name = "Ada"): Promise<string> {
  const res = await postJSON("/api/auth/sign-up/email", { email, password: PASSWORD, name });
  expect(res.status).toBe(200);
  return sessionCookie(res);
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
