/**
 * D1 round trips per request, counted by a wrapper around the real binding (a statement run, a batch and an
 * exec are one each), on a warm instance of each adapter with presets.organization and presets.twoFactor.
 * The budgets are the counts measured on 2026-12-01 (docs/security.md, "Round trips"): no flow may make more.
 * Each flow runs with rate limiting off, then on (as on a deployed Worker), where a limited request adds one
 * statement and get-session none.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuthEmail } from "../src/mail.js";
import * as presets from "../src/presets/index.js";
import type { AuthD1Options } from "../src/options.js";
import { countingD1, factories, lastMailTo, PASSWORD, TestClient, uniqueEmail, verifyEmail, type AdapterName } from "./support/index.js";

const names: AdapterName[] = ["drizzle", "kysely"];

/** Round trips measured on 2026-12-01, per adapter, rate limiting off: the most each request may make. */
const BUDGET: Record<string, Record<AdapterName, number>> = {
  "sign-up": { drizzle: 2, kysely: 2 },
  "sign-in": { drizzle: 3, kysely: 3 },
  "get-session": { drizzle: 2, kysely: 2 },
  "organization create": { drizzle: 5, kysely: 5 },
  "invitation accept": { drizzle: 7, kysely: 7 },
  "two-factor enable": { drizzle: 7, kysely: 7 },
  "update user": { drizzle: 3, kysely: 3 },
  "change password": { drizzle: 7, kysely: 7 },
  "password reset request": { drizzle: 3, kysely: 3 },
  "password reset": { drizzle: 11, kysely: 11 },
  "organization delete": { drizzle: 8, kysely: 8 },
  "delete user": { drizzle: 11, kysely: 11 },
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
