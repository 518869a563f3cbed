/**
 * Runs one request of a flow once per D1 call, with that call failing, and checks the flow's invariants in D1
 * after each: the flow's writes landed whole or not at all, and when they did not, the same request then
 * succeeds. Failures are gathered over every k, so one run lists each fault that breaks the flow.
 */
import { Buffer } from "node:buffer";
import { expect, vi } from "vitest";
import type { AuthD1Options } from "../../src/options.js";
import type { JsonResponse } from "./client.js";
import type { FaultyD1 } from "./faulty-d1.js";
import { sessionCookieIsStored } from "./invariants.js";

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
 * Runs `flow` unfaulted on a warm instance to count its D1 calls n, then for k = 1..n runs it with the k-th call
 * failing. After each: the invariants hold, a success answer means the writes landed, a session cookie the
 * response sets names a stored session, and an undone flow succeeds when sent again. State is prepared fresh
 * for each k, except after a fault that came before any write reached D1 (nothing to undo, nothing to retry).
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
  // A fault before any write reached D1 leaves D1 as prepared: the outcome is still checked, but the state is
  // kept for the next k and not sent again (the unfaulted run above already proved that request succeeds).
  let state: S | undefined;
  for (let k = 1; k <= calls.length; k++) {
    state ??= await flow.prepare(`k${k}`);
    const res = await quietly(async () => {
      faulty.arm({ failCall: k });
      return flow.request(state!);
    });
    const where = `fault at call ${k} of ${calls.length} (${oneLine(faulty.calls[k - 1] ?? "never reached")}), answered ${res.status}`;
    const before = faulty.calls.slice(0, k - 1);
    const pristine = before.every(isRead);
    faulty.arm({});
    try {
      // The k-th call must be the one counted: a flow whose calls depend on leftovers of earlier runs tests nothing.
      expect(before, "the calls before the fault are those of the counted run").toEqual(calls.slice(0, k - 1));
      await sessionCookieIsStored(res);
      const outcome = await flow.outcome(state, res);
      if (succeeded(res)) expect(outcome, "a success answer means the writes landed").toBe("done");
      if (outcome === "undone" && pristine) continue;
      if (outcome === "undone") {
        const again = await flow.request(state);
        expect(succeeded(again), `the same request without the fault succeeds: ${again.status} ${JSON.stringify(again.body)}`).toBe(true);
        expect(await flow.outcome(state, again), "the request sent again lands its writes").toBe("done");
      }
    } catch (error) {
      failures.push(`${where}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
    state = undefined;
  }
  expect(failures, `calls: ${calls.map(oneLine).join(" | ")}`).toEqual([]);
  return { calls };
}

/** A call that only reads: SELECT, or a read under WITH (the unit of work lays held rows over tables that way). */
function isRead(call: string): boolean {
  return /^\s*select\b/i.test(call) || (/^\s*with\b/i.test(call) && !/\b(insert\s+into|update\s+"?\w+"?\s+set|delete\s+from)\b/i.test(call));
}

/** Runs `request` with console.error silent: better-call logs every 500 an injected fault causes. */
async function quietly<T>(request: () => Promise<T>): Promise<T> {
  const spy = vi.spyOn(console, "error").mockImplementation(() => {});
  try {
    return await request();
  } finally {
    spy.mockRestore();
  }
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, " ").slice(0, 70);
}
