/**
 * presets.organization (teams on) with a fault at every D1 call, on both adapters: organization create and
 * delete, invitation accept, member removal, team create. After each fault the flow's invariants hold in D1
 * and the same request then succeeds (test/support/fault-flows.ts). Also: two parallel accepts of one
 * invitation give one membership. One organization serves the flows that do not use it up.
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
  organizationHasOwner,
  organizationRows,
  rows,
  sharedOrganization,
  signedUp,
  teamMembershipFollowsMembership,
  teamSeatsMatchMembers,
  markVerified,
  uniqueEmail,
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
  const org = sharedOrganization(auth, `${name}-fforg`);

  it("organization create: an organization only with its owner member and default team", async () => {
    // A new owner each time: the route reads each organization its creator already has.
    await atEveryFault(faulty, {
      prepare: async (label) => ({ owner: await signUp(`create-${label}`), slug: `${name}-fforg-${label}-${crypto.randomUUID().slice(0, 8)}` }),
      request: ({ owner, slug }) => owner.client.post("/organization/create", { name: "Created", slug }),
      async outcome({ owner, slug }) {
        const [organization] = await rows<{ id: string }>("SELECT id FROM organization WHERE slug = ?", slug);
        if (!organization) return "undone";
        await organizationHasOwner(organization.id, owner.userId);
        await teamSeatsMatchMembers(organization.id);
        return "done";
      },
    });
  });

  it("invitation accept: accepted iff a member (and in the invited team)", async () => {
    await atEveryFault(faulty, {
      prepare: (label) => org.invited(`accept-${label}`),
      request: ({ client, invitationId }) => client.post("/organization/accept-invitation", { invitationId }),
      async outcome(state) {
        const member = await invitationAcceptedIffMember(state.invitationId, state.organizationId, state.userId);
        await teamSeatsMatchMembers(state.organizationId);
        return member ? "done" : "undone";
      },
    });
  });


  it("organization delete: every row of the organization, or none", async () => {
    await atEveryFault(faulty, {
      async prepare(label) {
        // A new owner each time: the route reads each organization its owner has.
        const { client: owner } = await signUp(`del-${label}`);
        const created = await owner.post("/organization/create", { name: "Doomed", slug: `${name}-fforg-del-${label}-${crypto.randomUUID().slice(0, 8)}` });
        expect(created.status).toBe(200);
        const organizationId = created.body.id as string;
        expect((await owner.post("/organization/create-team", { name: "Second", organizationId })).status).toBe(200);
        expect((await owner.post("/organization/invite-member", { email: uniqueEmail(`${name}-fforg-del`), role: "member", organizationId })).status).toBe(200);
        return { owner, organizationId, before: await organizationRows(organizationId) };
      },
      request: ({ owner, organizationId }) => owner.post("/organization/delete", { organizationId }),
      async outcome({ organizationId, before }) {
        const now = await organizationRows(organizationId);
        if (now.organization.length === 0) {
          expect(now, "invariant organizationDeletedWhole: rows of a deleted organization remain").toEqual({ organization: [], member: [], invitation: [], team: [], teamMember: [], organizationRole: [] });
          return "done";
        }
        expect(now, "invariant keptOrganizationUntouched: an organization that is kept lost rows").toEqual(before);
        return "undone";
      },
    });
  });


  it("member removal: the membership with its team seats, or nothing", async () => {
    await atEveryFault(faulty, {
      async prepare(label) {
        const user = await org.invited(`remove-${label}`);
        const accepted = await user.client.post("/organization/accept-invitation", { invitationId: user.invitationId });
        expect(accepted.status).toBe(200);
        return { ...user, memberId: accepted.body.member.id as string };
      },
      request: async ({ memberId, organizationId }) => (await org.owned()).owner.client.post("/organization/remove-member", { memberIdOrEmail: memberId, organizationId }),
      async outcome(state) {
        const member = await teamMembershipFollowsMembership(state.organizationId, state.userId);
        await teamSeatsMatchMembers(state.organizationId);
        return member ? "undone" : "done";
      },
    });
  });

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
    await markVerified(user.userId);
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
