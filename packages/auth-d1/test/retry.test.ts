/**
 * Transient D1 errors through whole flows, on both adapters: a read that meets one is retried and the
 * request succeeds; a write or a batch that meets one is never sent again, and the flow fails as before.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { factories, faultyD1, PASSWORD, rows, TestClient, uniqueEmail, type AdapterName } from "./support/index.js";

const names: AdapterName[] = ["drizzle", "kysely"];
const LOST = "D1_ERROR: Network connection lost.";
const isRead = (call: string) => /^\s*(select|with)\b/i.test(call);

async function usersWith(email: string): Promise<{ users: number; accounts: number }> {
  const [counts] = await rows<{ users: number; accounts: number }>(
    "SELECT (SELECT count(*) FROM user WHERE email = ?1) AS users, (SELECT count(*) FROM account a JOIN user u ON u.id = a.user_id WHERE u.email = ?1) AS accounts",
    email,
  );
  return counts!;
}

describe.each(names)("%s: transient D1 errors", (name) => {
  const faulty = faultyD1(env.DB);
  // One env, as a Worker has: createAuth memoizes per env, so requests share a warm instance.
  const faultEnv = { ...env, DB: faulty.binding };
  const auth = () => factories[name](faultEnv);
  const signUp = (email: string) => new TestClient(auth()).post("/sign-up/email", { email, password: PASSWORD, name: "Retry" });

  it("sign-up with a transient error at every D1 call: a read is retried and the request succeeds; a write is sent once and the flow fails whole", async () => {
    expect((await signUp(uniqueEmail(`${name}-retry-warm`))).status).toBe(200);
    faulty.arm({});
    expect((await signUp(uniqueEmail(`${name}-retry-count`))).status).toBe(200);
    const clean = [...faulty.calls];

    for (let k = 1; k <= clean.length; k++) {
      const email = uniqueEmail(`${name}-retry-${k}`);
      faulty.arm({ failCall: k, message: LOST });
      const res = await signUp(email);
      const calls = [...faulty.calls];
      const where = `transient error at call ${k} of ${clean.length}: ${calls[k - 1]}`;
      faulty.arm({});
      if (isRead(calls[k - 1]!)) {
        expect(res.status, where).toBe(200);
        // The failed read went out again right after, and nothing else changed.
        expect(calls[k], where).toBe(calls[k - 1]);
        expect(calls, where).toHaveLength(clean.length + 1);
        expect(await usersWith(email), where).toEqual({ users: 1, accounts: 1 });
      } else if (calls[k - 1]!.startsWith("batch")) {
        // The commit starts with the new user's INSERT under an id of the request's own: sent once more, it
        // lands once (a first try that had committed would make the second fail on that id, writing nothing).
        expect(res.status, where).toBe(200);
        expect(calls[k], where).toBe(calls[k - 1]);
        expect(await usersWith(email), where).toEqual({ users: 1, accounts: 1 });
      } else {
        expect(res.status, where).toBeGreaterThanOrEqual(500);
        expect(calls, where).toHaveLength(k);
        expect(await usersWith(email), where).toEqual({ users: 0, accounts: 0 });
        expect((await signUp(email)).status, where).toBe(200);
      }
      // No write went out twice; only the commit's batch may, once.
      const writes = calls.filter((call) => !isRead(call));
      const retried = calls[k - 1]!.startsWith("batch") ? 1 : 0;
      expect(writes.length, where).toBeLessThanOrEqual(clean.filter((call) => !isRead(call)).length + retried);
    }
  });

  it("a commit whose answer was lost after D1 committed it: sent again, it fails on the user's own id and the sign-up answers 200, once", async () => {
    const email = uniqueEmail(`${name}-retry-lost`);
    expect((await signUp(uniqueEmail(`${name}-retry-lost-warm`))).status).toBe(200);
    faulty.arm({ failAfterBatch: true, message: LOST });
    const res = await signUp(email);
    const batches = faulty.calls.filter((call) => call.startsWith("batch"));
    faulty.arm({});
    expect(res.status).toBe(200);
    expect(batches).toHaveLength(2);
    expect(await usersWith(email)).toEqual({ users: 1, accounts: 1 });
    expect((await new TestClient(auth()).post("/sign-in/email", { email, password: PASSWORD })).status).toBe(200);
  });

  it("sign-in and get-session survive a transient error on their first read", async () => {
    const email = uniqueEmail(`${name}-retry-in`);
    expect((await signUp(email)).status).toBe(200);
    const client = new TestClient(auth());
    faulty.arm({ failCall: 1, message: LOST });
    expect((await client.post("/sign-in/email", { email, password: PASSWORD })).status).toBe(200);
    expect(faulty.calls[1]).toBe(faulty.calls[0]);
    faulty.arm({ failCall: 1, message: LOST });
    const session = await client.get("/get-session");
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe(email);
    faulty.arm({});
  });

  it("a read failing with an error that is not transient fails the request, once", async () => {
    const email = uniqueEmail(`${name}-retry-no`);
    expect((await signUp(email)).status).toBe(200);
    faulty.arm({ failCall: 1, message: "D1_ERROR: some other failure" });
    const res = await new TestClient(auth()).post("/sign-in/email", { email, password: PASSWORD });
    const calls = [...faulty.calls];
    faulty.arm({});
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(calls).toHaveLength(1);
  });
});
