/**
 * The people tests sign up: one password, an address nobody else uses, and a signed-up user with a session.
 */
import { expect } from "vitest";
import type { AuthEmail } from "../../src/mail.js";
import { lastMailTo } from "./adapters.js";
import { TestClient, type AuthHandler } from "./client.js";

/** Every test user's password: long enough for better-auth's minimum, never in a stored row. */
export const PASSWORD = "correct horse battery staple";

/** A fresh address per call, so tests never collide on the unique email column. */
export function uniqueEmail(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

/** A user who has just signed up, and the client holding their session cookie. */
export interface SignedUpUser {
  client: TestClient;
  email: string;
  userId: string;
}

/**
 * Signs up a new user over HTTP with {@link PASSWORD} and an address made from `label`.
 *
 * @example
 * const { client, email, userId } = await signedUp(auth(), `${name}-signin`);
 */
export async function signedUp(auth: AuthHandler, label: string, name = "Ada Lovelace"): Promise<SignedUpUser> {
  const client = new TestClient(auth);
  const email = uniqueEmail(label);
  const res = await client.post("/sign-up/email", { email, password: PASSWORD, name });
  expect(res.status).toBe(200);
  return { client, email, userId: res.body.user.id as string };
}

/** Follows the last verification link mailed to `user`, as they would; their address is then verified. */
export async function verifyEmail(user: SignedUpUser, outbox: AuthEmail[]): Promise<void> {
  const link = new URL(lastMailTo(outbox, user.email, "verify-email").url);
  const res = await user.client.raw(link.pathname.replace("/api/auth", "") + link.search);
  expect(res.status).toBe(302);
}
