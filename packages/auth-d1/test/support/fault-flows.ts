/**
 * Runs one request of a flow once per D1 call, with that call failing, and checks the flow's invariants in D1
 * after each: the flow's writes landed whole or not at all, and when they did not, the same request then
 * succeeds. Failures are gathered over every k, so one run lists each fault that breaks the flow.
 */
import { Buffer } from "node:buffer";
import { env } from "cloudflare:test";
import { expect } from "vitest";
import type { AuthD1Options } from "../../src/options.js";
import type { JsonResponse } from "./client.js";
import type { FaultyD1 } from "./faulty-d1.js";
import { rows } from "./d1.js";

/**
 * What every fault test adds to its options: salted SHA-256 in place of scrypt (these tests sign up hundreds
 * of users and are about D1 calls, not hashing work; better-auth documents `password.hash`/`verify` as the
 * place to swap the algorithm), and better-auth's logger off (each injected fault would log an error).
 */
export const faultTestOptions = {
  emailAndPassword: { enabled: true, password: { hash: quickHash, verify: async ({ hash, password }) => (await quickHash(password, hash.split(":")[0])) === hash } },
  logger: { disabled: true },
} satisfies AuthD1Options;

async function quickHash(password: string, salt = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex")): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${salt}:${password}`));
  return `${salt}:${Buffer.from(digest).toString("hex")}`;
}

/** Whether a request's writes are all in D1 ("done") or none of them ("undone"). */
export type FlowOutcome = "done" | "undone";

/**
 * One flow under fault injection. `prepare` makes the state one request needs (unfaulted, fresh per run);
 * `outcome` asserts the flow's invariants, each a named helper, and says whether its writes landed.
 */
export interface FaultedFlow<S> {
  prepare(label: string): Promise<S>;
  request(state: S): Promise<JsonResponse>;
  outcome(state: S, res: JsonResponse): Promise<FlowOutcome>;
}

/** A 2xx, or a redirect (a followed mail link lands back on the app). */
export function succeeded(res: JsonResponse): boolean {
  return res.status >= 200 && res.status < 400;
}

/**
 * Runs `flow` unfaulted on a warm instance to count its D1 calls n, then for k = 1..n runs it on fresh state
 * with the k-th call failing. After each: the invariants hold, a success answer means the writes landed, a
 * session cookie the response sets names a stored session, and an undone flow succeeds when sent again.
 *
 * @example
 * await atEveryFault(faulty, { prepare: (label) => signedUp(auth(), label), request: ({ client }) => ..., outcome: ... });
 */
export async function atEveryFault<S>(faulty: FaultyD1, flow: FaultedFlow<S>): Promise<{ calls: string[] }> {
  // The first request of an instance also reads the schema (Kysely): warm it, as a warm isolate is.
  const warm = await flow.prepare("warm");
  expect(succeeded(await flow.request(warm)), "the flow succeeds unfaulted").toBe(true);
  const counted = await flow.prepare("count");
  faulty.arm({});
  const clean = await flow.request(counted);
  const calls = [...faulty.calls];
  expect(succeeded(clean), `the flow succeeds unfaulted: ${clean.status} ${JSON.stringify(clean.body)}`).toBe(true);
  expect(await flow.outcome(counted, clean), "an unfaulted request lands its writes").toBe("done");

  const failures: string[] = [];
  for (let k = 1; k <= calls.length; k++) {
    const state = await flow.prepare(`k${k}`);
    faulty.arm({ failCall: k });
    const res = await flow.request(state);
    const where = `fault at call ${k} of ${calls.length} (${oneLine(faulty.calls[k - 1] ?? "never reached")}), answered ${res.status}`;
    faulty.arm({});
    try {
      await sessionCookieIsStored(res);
      const outcome = await flow.outcome(state, res);
      if (succeeded(res)) expect(outcome, "a success answer means the writes landed").toBe("done");
      if (outcome === "undone") {
        const again = await flow.request(state);
        expect(succeeded(again), `the same request without the fault succeeds: ${again.status} ${JSON.stringify(again.body)}`).toBe(true);
        expect(await flow.outcome(state, again), "the request sent again lands its writes").toBe("done");
      }
    } catch (error) {
      failures.push(`${where}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
  }
  expect(failures, `calls: ${calls.map(oneLine).join(" | ")}`).toEqual([]);
  return { calls };
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, " ").slice(0, 70);
}

/** Invariant: a session cookie a response sets names a session D1 holds (never one whose write failed). */
export async function sessionCookieIsStored(res: JsonResponse): Promise<void> {
  const line = res.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token=") && !/max-age=0/i.test(c));
  if (!line) return;
  const token = decodeURIComponent(line.slice("better-auth.session_token=".length).split(";")[0]!).split(".")[0];
  const stored = await rows("SELECT id FROM session WHERE token = ?", token);
  expect(stored, "invariant sessionCookieIsStored: the Set-Cookie session is in D1").toHaveLength(1);
}

/** Invariant: no session, account, member, team membership, passkey or two-factor row of a user who is gone. */
export async function noRowsOfMissingUsers(userId: string): Promise<void> {
  if ((await rows("SELECT id FROM user WHERE id = ?", userId)).length > 0) return;
  for (const table of ["session", "account", "member", "team_member", "passkey", "two_factor"]) {
    expect(await rows(`SELECT id FROM ${table} WHERE user_id = ?`, userId), `invariant noRowsOfMissingUsers: ${table} rows of deleted user`).toHaveLength(0);
  }
}

/** Invariant: a user who exists has a credential account with a password, so they can still sign in. */
export async function userHasCredentialAccount(userId: string): Promise<void> {
  if ((await rows("SELECT id FROM user WHERE id = ?", userId)).length === 0) return;
  const accounts = await rows("SELECT id FROM account WHERE user_id = ? AND provider_id = 'credential' AND password IS NOT NULL", userId);
  expect(accounts, "invariant userHasCredentialAccount: the user still exists but their credential account is gone").toHaveLength(1);
}

/** The stored password hash of a user's credential account, to tell a changed password from an unchanged one. */
export async function passwordHash(userId: string): Promise<string | undefined> {
  return (await rows<{ password: string }>("SELECT password FROM account WHERE user_id = ? AND provider_id = 'credential'", userId))[0]?.password;
}

/** The tokens of a user's sessions, sorted. */
export async function sessionTokens(userId: string): Promise<string[]> {
  return (await rows<{ token: string }>("SELECT token FROM session WHERE user_id = ? ORDER BY token", userId)).map((r) => r.token);
}

/** A second signed-in device for `userId`: a copy of one of its sessions under a new token, written straight to D1. */
export async function anotherDevice(userId: string): Promise<string> {
  const token = crypto.randomUUID().replaceAll("-", "");
  await env.DB.prepare(
    "INSERT INTO session (id, expires_at, token, created_at, updated_at, ip_address, user_agent, user_id) SELECT ?, expires_at, ?, created_at, updated_at, ip_address, 'other device', user_id FROM session WHERE user_id = ? LIMIT 1",
  )
    .bind(crypto.randomUUID(), token, userId)
    .run();
  return token;
}

/** A user's email and verified flag, or undefined once deleted. */
export async function userState(userId: string) {
  return (await rows<{ email: string; email_verified: number }>("SELECT email, email_verified FROM user WHERE id = ?", userId))[0];
}

/** The reset tokens D1 holds for a user. */
export async function storedResetTokens(userId: string): Promise<string[]> {
  return (await rows<{ identifier: string }>("SELECT identifier FROM verification WHERE value = ? AND substr(identifier, 1, 15) = 'reset-password:'", userId)).map(
    (r) => r.identifier.slice("reset-password:".length),
  );
}

/** A path to send through the handler from a mailed link. */
export function pathOf(url: string): string {
  const link = new URL(url);
  return link.pathname.replace("/api/auth", "") + link.search;
}
