/**
 * D1 round trips per request, counted by a wrapper around the real binding (a statement run, a batch and an
 * exec are one each), on a warm instance of each adapter with presets.organization and presets.twoFactor.
 * The budgets are the counts measured on 2026-12-02 (docs/security.md, "Round trips"): no flow may make more.
 * Each flow runs with rate limiting off, then on (as on a deployed Worker), where a limited request adds one
 * statement and get-session none.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuthEmail } from "../src/mail.js";
import * as presets from "../src/presets/index.js";
import { passkey } from "../src/presets/passkey.js";
import type { AuthD1Options } from "../src/options.js";
import { countingD1, factories, lastMailTo, PASSWORD, TestClient, uniqueEmail, verifyEmail, type AdapterName } from "./support/index.js";

const names: AdapterName[] = ["drizzle", "kysely"];

/**
 * Round trips measured on 2026-12-02, per adapter, rate limiting off: the most each request may make. A session
 * is read with its user in one query (better-auth's joins), and so is a user with its accounts at sign-in.
 */
const BUDGET: Record<string, Record<AdapterName, number>> = {
  "sign-up": { drizzle: 2, kysely: 2 },
  "sign-in": { drizzle: 2, kysely: 2 },
  "get-session": { drizzle: 1, kysely: 1 },
  "organization create": { drizzle: 5, kysely: 5 },
  "invitation accept": { drizzle: 7, kysely: 7 },
  "two-factor enable": { drizzle: 5, kysely: 5 },
  "update user": { drizzle: 2, kysely: 2 },
  "change password": { drizzle: 6, kysely: 6 },
  "password reset request": { drizzle: 2, kysely: 2 },
  "password reset": { drizzle: 11, kysely: 11 },
  "organization delete": { drizzle: 7, kysely: 7 },
  "delete user": { drizzle: 10, kysely: 10 },
};

/** What rate limiting adds (one upsert per limited request; get-session is not limited). */
const LIMITED: Record<string, number> = {
  "sign-up": 1,
  "sign-in": 1,
  "get-session": 0,
  "organization create": 1,
  "invitation accept": 1,
  "two-factor enable": 1,
  "update user": 1,
  "change password": 1,
  "password reset request": 1,
  "password reset": 1,
  "organization delete": 1,
  "delete user": 1,
};

const limits = {
  off: { enabled: false },
  // On as deployed; one client sends every request here, so sign-in and sign-up get room for the whole flow.
  on: { enabled: true, customRules: { "/sign-*/*": { window: 60, max: 100 } } },
} as const;

describe.each(names.flatMap((name) => (["off", "on"] as const).map((limit) => [name, limit] as const)))("%s, rate limiting %s: D1 round trips per request", (name, limit) => {
  const outbox: AuthEmail[] = [];
  const options: AuthD1Options = {
    sendEmail: (mail) => void outbox.push(mail),
    plugins: [presets.organization(), presets.twoFactor()],
    rateLimit: limits[limit],
  };
  const db = countingD1(env.DB);
  const countedEnv = { ...env, DB: db.binding };
  const auth = () => factories[name](countedEnv, options);

  async function trips(request: () => Promise<{ status: number }>): Promise<string[]> {
    const from = db.roundTrips.length;
    const res = await request();
    expect(res.status).toBe(200);
    return db.roundTrips.slice(from);
  }

  it("stays within today's counts for sign-up, sign-in, get-session, organization create and delete, invitation accept, two-factor enable, update user, change password, password reset and delete user", async () => {
    // A warm instance, as in a warm isolate: the first request of an instance also reads the schema.
    await new TestClient(auth()).post("/sign-up/email", { email: uniqueEmail(`${name}-trips-warm`), password: PASSWORD, name: "Warm" });
    const measured: Record<string, string[]> = {};
    const ownerEmail = uniqueEmail(`${name}-trips-owner`);
    measured["sign-up"] = await trips(() => new TestClient(auth()).post("/sign-up/email", { email: ownerEmail, password: PASSWORD, name: "Owner" }));
    const owner = new TestClient(auth());
    measured["sign-in"] = await trips(() => owner.post("/sign-in/email", { email: ownerEmail, password: PASSWORD }));
    measured["get-session"] = await trips(() => owner.get("/get-session"));
    let organizationId = "";
    measured["organization create"] = await trips(async () => {
      const res = await owner.post("/organization/create", { name: "Trips", slug: `${name}-trips-${crypto.randomUUID().slice(0, 8)}` });
      organizationId = res.body.id;
      return res;
    });
    const memberEmail = uniqueEmail(`${name}-trips-member`);
    const member = new TestClient(auth());
    const signedUpMember = await member.post("/sign-up/email", { email: memberEmail, password: PASSWORD, name: "Member" });
    expect(signedUpMember.status).toBe(200);
    await verifyEmail({ client: member, email: memberEmail, userId: signedUpMember.body.user.id }, outbox);
    const invited = await owner.post("/organization/invite-member", { email: memberEmail, role: "member", organizationId });
    expect(invited.status).toBe(200);
    measured["invitation accept"] = await trips(() => member.post("/organization/accept-invitation", { invitationId: invited.body.id }));
    measured["two-factor enable"] = await trips(() => member.post("/two-factor/enable", { password: PASSWORD }));
    measured["update user"] = await trips(() => member.post("/update-user", { name: "Renamed" }));
    const CHANGED = `${PASSWORD} changed`;
    measured["change password"] = await trips(() => member.post("/change-password", { currentPassword: PASSWORD, newPassword: CHANGED, revokeOtherSessions: true }));
    measured["password reset request"] = await trips(() => member.post("/request-password-reset", { email: memberEmail, redirectTo: "/reset" }));
    const { token } = lastMailTo(outbox, memberEmail, "reset-password");
    const RESET = `${PASSWORD} reset`;
    measured["password reset"] = await trips(() => member.post("/reset-password", { token, newPassword: RESET }));
    measured["organization delete"] = await trips(() => owner.post("/organization/delete", { organizationId }));
    expect((await member.post("/sign-in/email", { email: memberEmail, password: RESET })).status).toBe(200);
    measured["delete user"] = await trips(() => member.post("/delete-user", { password: RESET }));

    console.log(`${name}, rate limiting ${limit}, round trips:\n${Object.entries(measured).map(([flow, list]) => `  ${flow}: ${list.length} (${list.map((t) => t.replace(/\s+/g, " ").slice(0, 60)).join(" | ")})`).join("\n")}`);
    for (const [flow, list] of Object.entries(measured)) expect(list.length, flow).toBeLessThanOrEqual(BUDGET[flow]![name] + (limit === "on" ? LIMITED[flow]! : 0));
  });
});

/**
 * The targets of docs/performance.md, with every preset and the shipped defaults (rate limiting on, as on a
 * deployed Worker). A request on a new instance may make one round trip more than on a warm one: the Kysely
 * entry's schema check reads the catalog once, in one query.
 */
const TARGET = {
  "sign-up": 3,
  "sign-in": 3,
  "get-session": 1,
  "get-session, cookie cache hit": 0,
  "list-sessions": 2,
  "/token": 1,
  "organization create": 8,
} as const;

describe.each(names)("%s, every preset, rate limiting on: the round-trip targets", (name) => {
  const outbox: AuthEmail[] = [];
  const options: AuthD1Options = {
    sendEmail: (mail) => void outbox.push(mail),
    plugins: [presets.organization(), presets.twoFactor(), presets.admin(), presets.jwt(), passkey(), presets.magicLink(), presets.emailOTP()],
    rateLimit: limits.on,
  };
  const cached: AuthD1Options = { ...options, session: { cookieCache: { enabled: true, maxAge: 300 } } };

  // Measured once, in the order a client meets them; each target is then its own test.
  const measured: Record<string, string[]> = {};
  let first: string[] = [];

  beforeAll(async () => {
    const email = uniqueEmail(`${name}-targets`);
    expect((await new TestClient(factories[name](env, options)).post("/sign-up/email", { email, password: PASSWORD, name: "Targets" })).status).toBe(200);
    // A new env object is a new instance, as in a new isolate.
    const db = countingD1(env.DB);
    const auth = factories[name]({ ...env, DB: db.binding }, options);
    const counted = async (request: () => Promise<{ status: number }>): Promise<string[]> => {
      const from = db.roundTrips.length;
      expect((await request()).status).toBe(200);
      return db.roundTrips.slice(from);
    };
    const client = new TestClient(auth);
    first = await counted(() => client.post("/sign-in/email", { email, password: PASSWORD }));
    measured["sign-in"] = await counted(() => client.post("/sign-in/email", { email, password: PASSWORD }));
    measured["sign-up"] = await counted(() => new TestClient(auth).post("/sign-up/email", { email: uniqueEmail(`${name}-targets-new`), password: PASSWORD, name: "New" }));
    // The first request that signs a JWT (/token, or get-session's `set-auth-jwt`) reads the key set, and
    // mints the first key; the instance then signs from its copy, read again once a minute (docs/preset-jwt.md).
    await counted(() => client.get("/token"));
    measured["/token"] = await counted(() => client.get("/token"));
    measured["get-session"] = await counted(() => client.get("/get-session"));
    measured["list-sessions"] = await counted(() => client.get("/list-sessions"));
    measured["organization create"] = await counted(() => client.post("/organization/create", { name: "Targets", slug: `${name}-targets-${crypto.randomUUID().slice(0, 8)}` }));

    const cachingDb = countingD1(env.DB);
    const caching = new TestClient(factories[name]({ ...env, DB: cachingDb.binding }, cached));
    expect((await caching.post("/sign-in/email", { email, password: PASSWORD })).status).toBe(200);
    expect((await caching.get("/get-session")).status).toBe(200); // reads the key set, as above
    const from = cachingDb.roundTrips.length;
    const hit = await caching.get("/get-session");
    expect(hit.status).toBe(200);
    expect(hit.body.user.email).toBe(email);
    measured["get-session, cookie cache hit"] = cachingDb.roundTrips.slice(from);

    console.log(`${name}, every preset, targets:\n  new instance sign-in: ${first.length}\n${Object.entries(measured).map(([flow, list]) => `  ${flow}: ${list.length} (${list.map((t) => t.replace(/\s+/g, " ").slice(0, 100)).join(" | ")})`).join("\n")}`);
  }, 60_000);

  it.each(Object.entries(TARGET))("%s: at most %i", (flow, target) => {
    expect(measured[flow]!.length, measured[flow]!.join("\n")).toBeLessThanOrEqual(target);
  });

  it("a new instance: its first request makes at most one round trip more than a warm one", () => {
    expect(first.length, first.join("\n")).toBeLessThanOrEqual(measured["sign-in"]!.length + 1);
  });
});
