// Requests to the Worker under test, as a client would send them, and the sign-up and token steps every test
// needs: workerd only (cloudflare:workers). Constants and helpers any runtime can load are in support.ts.
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { Note } from "../src/notes.js";
import { ORIGIN, PASSWORD, uniqueEmail } from "./support.js";

export interface CallInit {
  method?: string;
  /** Sent as is, with `content-type: application/json`. */
  body?: string | ReadableStream<Uint8Array>;
  /** More headers, e.g. a `content-length` for a streamed body. */
  headers?: Record<string, string>;
  cookie?: string;
  /** The whole Authorization header. */
  authorization?: string;
}

/** A request to the Worker; better-auth wants an Origin on POSTs, which a browser or curl -H sends. */
export function call(path: string, init: CallInit = {}): Promise<Response> {
  const headers = new Headers({ ...init.headers, origin: ORIGIN });
  if (init.body !== undefined) headers.set("content-type", "application/json");
  if (init.cookie !== undefined) headers.set("cookie", init.cookie);
  if (init.authorization !== undefined) headers.set("authorization", init.authorization);
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { method: init.method ?? "GET", headers, body: init.body }));
}

/** A request with `Authorization: Bearer <token>`. */
export function callWithToken(path: string, token: string, init: Omit<CallInit, "authorization"> = {}): Promise<Response> {
  return call(path, { ...init, authorization: `Bearer ${token}` });
}

export interface SignedUpUser {
  id: string;
  email: string;
  /** The `name=value` of the session cookie sign-up set. */
  cookie: string;
  /** A JWT from `GET /api/auth/token`, fetched with that cookie. */
  token: string;
}

/** Signs a new user up, then exchanges the session cookie for a JWT, as a client of the notes API would. */
export async function signUpWithToken(): Promise<SignedUpUser> {
  const email = uniqueEmail();
  const res = await call("/api/auth/sign-up/email", { method: "POST", body: JSON.stringify({ email, password: PASSWORD, name: "Ada" }) });
  expect(res.status).toBe(200);
  const { user } = await res.json<{ user: { id: string } }>();
  const cookie = res.headers.getSetCookie().find((line) => line.startsWith("better-auth.session_token="))?.split(";")[0];
  if (cookie === undefined) throw new Error(`sign-up set no session cookie: ${JSON.stringify(res.headers.getSetCookie())}`);

  const tokenRes = await call("/api/auth/token", { cookie });
  expect(tokenRes.status).toBe(200);
  const { token } = await tokenRes.json<{ token: string }>();
  return { id: user.id, email, cookie, token };
}

/** POST /api/notes with `{ text }`, expecting 201; the note it returns. */
export async function addNote(token: string, text: string): Promise<Note> {
  const res = await callWithToken("/api/notes", token, { method: "POST", body: JSON.stringify({ text }) });
  expect(res.status).toBe(201);
  return (await res.json<{ note: Note }>()).note;
}
