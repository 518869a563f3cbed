/**
 * presets.organization (teams on) with a fault at every D1 call, on both adapters: team create. After each
 * fault the flow's invariants hold in D1 and the same request then succeeds (test/support/fault-flows.ts).
 * Also: two parallel accepts of one invitation give one membership. Organization create and delete,
 * invitation accept and member removal break under a fault today: flow-faults-pending.test.ts.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuthEmail } from "../src/mail.js";
import type { AuthD1Options } from "../src/options.js";
import * as presets from "../src/presets/index.js";
import {
  atEveryFault,
  factories,
  faultTestOptions,
  faultyD1,
  invitationAcceptedIffMember,
  rows,
  signedUp,
  teamSeatsMatchMembers,
  type AdapterName,
} from "./support/index.js";

const names: AdapterName[] = ["drizzle", "kysely"];

describe.each(names)("%s: organization flows with a fault at every D1 call", { timeout: 120_000 }, (name) => {
  const outbox: AuthEmail[] = [];
  const options: AuthD1Options = { ...faultTestOptions, sendEmail: (mail) => void outbox.push(mail), plugins: [presets.organization({ teams: { enabled: true } })] };
  const faulty = faultyD1(env.DB);
  const faultEnv = { ...env, DB: faulty.binding };
  const auth = () => factories[name](faultEnv, options);
  const signUp = (label: string) => signedUp(auth(), `${name}-fforg-${label}`);

  it("team create: one team or none", async () => {
    // An organization of its own: member removal visits every team of the shared one.
    const owner = await signUp("team-owner");
    const created = await owner.client.post("/organization/create", { name: "Teams", slug: `${name}-fforg-teams-${crypto.randomUUID().slice(0, 8)}` });
    expect(created.status).toBe(200);
    const organizationId = created.body.id as string;
    await atEveryFault(faulty, {
      prepare: async (label) => ({ teamName: `Team ${label} ${crypto.randomUUID().slice(0, 8)}` }),
      request: ({ teamName }) => owner.client.post("/organization/create-team", { name: teamName, organizationId }),
      async outcome({ teamName }) {
        const teams = await rows("SELECT id FROM team WHERE organization_id = ? AND name = ?", organizationId, teamName);
        expect(teams.length, "invariant oneTeamPerRequest").toBeLessThanOrEqual(1);
        await teamSeatsMatchMembers(organizationId);
        return teams.length === 1 ? "done" : "undone";
      },
    });
  });

});

describe.each(names)("%s: two parallel accepts of one invitation", (name) => {
  const options: AuthD1Options = { ...faultTestOptions, plugins: [presets.organization({ teams: { enabled: true } })] };
  const auth = () => factories[name](env, options);

  it("give one membership, one 200 and no 5xx", async () => {
    const owner = await signedUp(auth(), `${name}-fforg-race-owner`);
    const created = await owner.client.post("/organization/create", { name: "Race", slug: `${name}-fforg-race-${crypto.randomUUID().slice(0, 8)}` });
    expect(created.status).toBe(200);
    const organizationId = created.body.id as string;
    const user = await signedUp(auth(), `${name}-fforg-race-user`);
    const [team] = await rows<{ id: string }>("SELECT id FROM team WHERE organization_id = ?", organizationId);
    const invitation = await owner.client.post("/organization/invite-member", { email: user.email, role: "member", organizationId, teamId: team!.id });
    expect(invitation.status).toBe(200);
    const responses = await Promise.all([1, 2].map(() => user.client.post("/organization/accept-invitation", { invitationId: invitation.body.id })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500), `statuses: ${statuses}`).toEqual([]);
    expect(statuses.filter((s) => s === 200), `statuses: ${statuses}`).toHaveLength(1);
    expect(await rows("SELECT id FROM member WHERE organization_id = ? AND user_id = ?", organizationId, user.userId)).toHaveLength(1);
    expect(await invitationAcceptedIffMember(invitation.body.id, organizationId, user.userId)).toBe(true);
  });
});
