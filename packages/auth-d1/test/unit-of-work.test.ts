/**
 * Flows better-auth runs in a transaction are units of work on D1: their writes land in one batch or not at
 * all, whatever fails and wherever. Faults are injected around the real local D1 binding.
 */
import { env } from "cloudflare:test";
import { APIError } from "better-auth/api";
import { describe, expect, it } from "vitest";
import type { AuthEmail } from "../src/mail.js";
import * as presets from "../src/presets/index.js";
import type { AuthD1Options } from "../src/options.js";
import { countingD1, factories, faultyD1, PASSWORD, rows, TestClient, uniqueEmail, type AdapterName } from "./support/index.js";

const names: AdapterName[] = ["drizzle", "kysely"];

/** A user row with no credential account: the half-written state a unit of work rules out. */
async function orphans(email: string): Promise<number> {
  const found = await rows<{ n: number }>(
    "SELECT count(*) AS n FROM user u WHERE u.email = ? AND NOT EXISTS (SELECT 1 FROM account a WHERE a.user_id = u.id AND a.provider_id = 'credential')",
    email,
  );
  return found[0]!.n;
}

async function usersWith(email: string): Promise<number> {
  return (await rows<{ n: number }>("SELECT count(*) AS n FROM user WHERE email = ?", email))[0]!.n;
}

describe.each(names)("%s: sign-up as one unit of work", (name) => {
  const outbox: AuthEmail[] = [];
  const options: AuthD1Options = { sendEmail: (mail) => void outbox.push(mail) };
  const createAuth = factories[name];
  // One env per binding, as a Worker has: createAuth memoizes per env, so requests share a warm instance.
  const envs = new WeakMap<D1Database, typeof env>();
  const envOf = (database: D1Database) => envs.get(database) ?? envs.set(database, { ...env, DB: database }).get(database)!;
  const signUp = (database: D1Database, email: string) =>
    new TestClient(createAuth(envOf(database), options)).post("/sign-up/email", { email, password: PASSWORD, name: "Fault" });

  it("with a fault at every D1 call, leaves no user without its account, and the same sign-up then succeeds", async () => {
    const faulty = faultyD1(env.DB);
    const faultEnv = envOf(faulty.binding);
    // A warm instance first, so the counted calls are those of one request, as in a warm isolate.
    expect((await signUp(faulty.binding, uniqueEmail(`${name}-warm`))).status).toBe(200);
    faulty.arm({});
    expect((await signUp(faulty.binding, uniqueEmail(`${name}-count`))).status).toBe(200);
    const calls = faulty.calls.length;
    expect(calls).toBeGreaterThan(0);

    for (let k = 1; k <= calls; k++) {
      const email = uniqueEmail(`${name}-fault-${k}`);
      faulty.arm({ failCall: k });
      const res = await new TestClient(createAuth(faultEnv, options)).post("/sign-up/email", { email, password: PASSWORD, name: "Fault" });
      const where = `fault at call ${k} of ${calls}: ${faulty.calls[k - 1]}`;
      faulty.arm({});
      expect(res.status, where).toBeGreaterThanOrEqual(400);
      expect(await orphans(email), where).toBe(0);
      expect(await usersWith(email), where).toBe(0);
      expect(res.headers.getSetCookie().some((c) => c.startsWith("better-auth.session_token=") && !/max-age=0/i.test(c)), where).toBe(false);
      expect(outbox.some((mail) => mail.to === email), where).toBe(false);
      expect((await signUp(faulty.binding, email)).status, where).toBe(200);
    }
  });

  it("when the batch committed but its answer was lost, leaves the user whole", async () => {
    const email = uniqueEmail(`${name}-lost`);
    const res = await signUp(faultyD1(env.DB, { failAfterBatch: true }).binding, email);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(await orphans(email)).toBe(0);
    expect(await usersWith(email)).toBe(1);
    expect(outbox.some((mail) => mail.to === email)).toBe(false);
    expect((await new TestClient(createAuth(env, options)).post("/sign-in/email", { email, password: PASSWORD })).status).toBe(200);
  });

  it("a hook that throws after the user and account writes leaves no rows", async () => {
    const failing: AuthD1Options = {
      sendEmail: (mail) => void outbox.push(mail),
      databaseHooks: {
        session: {
          create: {
            before: async () => {
              throw new Error("hook failed after the user and account writes");
            },
          },
        },
      },
    };
    const email = uniqueEmail(`${name}-hook`);
    const res = await new TestClient(createAuth(env, failing)).post("/sign-up/email", { email, password: PASSWORD, name: "Hook" });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await usersWith(email)).toBe(0);
    expect(await rows("SELECT a.id FROM account a JOIN user u ON u.id = a.user_id WHERE u.email = ?", email)).toHaveLength(0);
    expect(outbox.some((mail) => mail.to === email)).toBe(false);
    expect((await signUp(env.DB, email)).status).toBe(200);
  });

  it("50 parallel sign-ups with one email: one user, one account, 49 clean 422s, no 5xx", async () => {
    const email = uniqueEmail(`${name}-race`);
    const auth = createAuth(env, options);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => new TestClient(auth).post("/sign-up/email", { email, password: PASSWORD, name: "Race" })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
    const refused = responses.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(49);
    for (const r of refused) {
      expect(r.status).toBe(422);
      expect(r.body.code).toBe("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
      expect(r.headers.getSetCookie().some((c) => c.startsWith("better-auth.session_token=") && !/max-age=0/i.test(c))).toBe(false);
    }
    expect(await usersWith(email)).toBe(1);
    expect(await rows("SELECT a.id FROM account a JOIN user u ON u.id = a.user_id WHERE u.email = ?", email)).toHaveLength(1);
  });

  it("counts D1 round trips: sign-up is one read and one batch of its three writes; sign-in makes no more than before", async () => {
    const db = countingD1(env.DB);
    const auth = createAuth(envOf(db.binding), options);
    await new TestClient(auth).post("/sign-up/email", { email: uniqueEmail(`${name}-warm`), password: PASSWORD, name: "Warm" });
    const email = uniqueEmail(`${name}-trips`);
    let from = db.roundTrips.length;
    expect((await new TestClient(auth).post("/sign-up/email", { email, password: PASSWORD, name: "Trips" })).status).toBe(200);
    const signUpTrips = db.roundTrips.slice(from);
    from = db.roundTrips.length;
    expect((await new TestClient(auth).post("/sign-in/email", { email, password: PASSWORD })).status).toBe(200);
    const signInTrips = db.roundTrips.slice(from);
    // Before the unit of work: sign-up 4 (a read, then user, account and session one by one), sign-in 3.
    expect(signUpTrips).toHaveLength(2);
    expect(signUpTrips[0]).toMatch(/^select/i);
    expect(signUpTrips[1]).toBe("batch of 3");
    expect(signInTrips.length).toBeLessThanOrEqual(3);
  });
});

describe.each(names)("%s: admin create-user as one unit of work", (name) => {
  const options: AuthD1Options = { plugins: [presets.admin()] };
  const faulty = faultyD1(env.DB);
  const faultEnv = { ...env, DB: faulty.binding };
  const auth = () => factories[name](faultEnv, options);

  it("with a fault at every D1 call, leaves no user without its account, and the same request then succeeds", async () => {
    const admin = new TestClient(auth());
    const adminEmail = uniqueEmail(`${name}-admin`);
    const signUp = await admin.post("/sign-up/email", { email: adminEmail, password: PASSWORD, name: "Admin" });
    expect(signUp.status).toBe(200);
    await env.DB.prepare("UPDATE user SET role = 'admin' WHERE id = ?").bind(signUp.body.user.id).run();
    const create = (email: string) => admin.post("/admin/create-user", { email, password: PASSWORD, name: "New Hire" });
    expect((await create(uniqueEmail(`${name}-hire-warm`))).status).toBe(200);
    faulty.arm({});
    expect((await create(uniqueEmail(`${name}-hire-count`))).status).toBe(200);
    const calls = faulty.calls.length;
    // The user and its credential account go out together, in the request's only batch.
    expect(faulty.calls.filter((call) => /^insert/i.test(call))).toEqual([]);
    expect(faulty.calls.filter((call) => call.startsWith("batch of "))).toEqual(["batch of 2"]);

    for (let k = 1; k <= calls; k++) {
      const email = uniqueEmail(`${name}-hire-${k}`);
      faulty.arm({ failCall: k });
      const res = await create(email);
      const where = `fault at call ${k} of ${calls}: ${faulty.calls[k - 1]}`;
      faulty.arm({});
      expect(res.status, where).toBeGreaterThanOrEqual(400);
      expect(await orphans(email), where).toBe(0);
      if ((await usersWith(email)) === 0) expect((await create(email)).status, where).toBe(200);
      else expect((await new TestClient(auth()).post("/sign-in/email", { email, password: PASSWORD })).status, where).toBe(200);
    }
  });
});

describe.each(names)("%s: a failed commit leaves no Set-Cookie", (name) => {
  const faulty = faultyD1(env.DB);
  const faultEnv = { ...env, DB: faulty.binding };
  const signUp = (email: string) => new TestClient(factories[name](faultEnv)).post("/sign-up/email", { email, password: PASSWORD, name: "Commit" });

  async function failAtBatch(email: string, message?: string) {
    // A warm instance first (the Kysely one reads the schema on its first request), then one counted request.
    expect((await signUp(uniqueEmail(`${name}-commit-warm`))).status).toBe(200);
    faulty.arm({});
    expect((await signUp(uniqueEmail(`${name}-commit-count`))).status).toBe(200);
    faulty.arm({ failCall: faulty.calls.indexOf("batch of 3") + 1, message });
    const res = await signUp(email);
    faulty.arm({});
    return res;
  }

  it("a batch that fails with any error: the status the error gives (500), no cookie, no user", async () => {
    const email = uniqueEmail(`${name}-commit-500`);
    const res = await failAtBatch(email);
    expect(res.status).toBe(500);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await usersWith(email)).toBe(0);
  });

  it("a batch that fails on the unique email: 422, no cookie, no user", async () => {
    const email = uniqueEmail(`${name}-commit-422`);
    const res = await failAtBatch(email, "D1_ERROR: UNIQUE constraint failed: user.email: SQLITE_CONSTRAINT");
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.has("x-auth-d1-failed-commit")).toBe(false);
    expect(await usersWith(email)).toBe(0);
  });

  it("a batch that fails with an APIError (a binding wrapped by the app): its own status, no cookie", async () => {
    const email = uniqueEmail(`${name}-commit-api`);
    const refusing = {
      prepare: (sql: string) => faulty.binding.prepare(sql),
      exec: (sql: string) => faulty.binding.exec(sql),
      batch: async () => {
        throw new APIError("SERVICE_UNAVAILABLE", { message: "try again later" });
      },
    };
    const res = await new TestClient(factories[name]({ ...env, DB: refusing as unknown as D1Database })).post("/sign-up/email", { email, password: PASSWORD, name: "Commit" });
    expect(res.status).toBe(503);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await usersWith(email)).toBe(0);
  });
});
