/**
 * presets.organization over HTTP on both adapters: organizations, slugs, invitations by mail (accepted,
 * rejected, cancelled), teams, leaving, removal and deletion, each checked in the D1 rows it leaves.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { activeIn, ISO_DATE, lastMailTo, one, organizationAdapters, organizationPeople, organizationRows, rows, uniqueEmail, verifyEmail } from "../support/index.js";

const both = organizationAdapters();

describe.each(both)("$name adapter: presets.organization over HTTP", { timeout: 120_000 }, (adapter) => {
  const { name, outbox } = adapter;
  const { signedUp, unverified, ownedOrganization, joined } = organizationPeople(adapter);

  it("creates an organization: its row, the owner's member row, a default team, and makes it active", async () => {
    const { owner, organization, created } = await ownedOrganization("create");
    expect(created).toMatchObject({ id: organization.id, name: organization.name, slug: organization.slug });
    expect(created.members).toEqual([expect.objectContaining({ userId: owner.userId, role: "owner", organizationId: organization.id })]);

    const stored = await organizationRows(organization.id);
    expect(stored.organization).toEqual([expect.objectContaining({ id: organization.id, name: organization.name, slug: organization.slug, logo: null })]);
    expect(stored.organization[0]!.created_at).toMatch(ISO_DATE);
    expect(stored.member).toEqual([expect.objectContaining({ id: created.members[0].id, user_id: owner.userId, role: "owner" })]);
    expect(stored.member[0]!.created_at).toMatch(ISO_DATE);
    // With teams on, better-auth gives every new organization a team named after it, with the creator in it.
    expect(stored.team).toEqual([expect.objectContaining({ name: organization.name, member_count: 1 })]);
    expect(stored.teamMember).toEqual([expect.objectContaining({ team_id: stored.team[0]!.id, user_id: owner.userId })]);
    expect(await activeIn(owner.client)).toEqual({ active_organization_id: organization.id, active_team_id: stored.team[0]!.id });

    const full = await owner.client.get("/organization/get-full-organization");
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ id: organization.id, slug: organization.slug });
    expect(full.body.members).toEqual([expect.objectContaining({ role: "owner", user: expect.objectContaining({ id: owner.userId, email: owner.email }) })]);
    const listed = await owner.client.get("/organization/list");
    expect(listed.body.map((o: { id: string }) => o.id)).toEqual([organization.id]);
  });

  it("checks a slug: taken by an existing organization, free otherwise; a taken slug cannot be created again", async () => {
    const { owner, organization } = await ownedOrganization("slug");
    const taken = await owner.client.post("/organization/check-slug", { slug: organization.slug });
    expect(taken.status).toBe(400);
    expect(taken.body.code).toBe("ORGANIZATION_SLUG_ALREADY_TAKEN");
    const free = await owner.client.post("/organization/check-slug", { slug: `${organization.slug}-free` });
    expect(free.status).toBe(200);
    expect(free.body).toEqual({ status: true });

    const again = await owner.client.post("/organization/create", { name: "Copycat", slug: organization.slug });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe("ORGANIZATION_ALREADY_EXISTS");
    expect(await rows("SELECT id FROM organization WHERE slug = ?", organization.slug)).toHaveLength(1);
  });

  it("invites by email: a pending invitation row and an organization-invitation mail carrying its id", async () => {
    const { owner, organization } = await ownedOrganization("invite");
    const email = uniqueEmail(`${name}-org-invitee`);
    const res = await owner.client.post("/organization/invite-member", { email, role: "admin" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email, role: "admin", status: "pending", organizationId: organization.id, inviterId: owner.userId });

    const invitation = await one<Record<string, string>>("SELECT * FROM invitation WHERE id = ?", res.body.id);
    expect(invitation).toMatchObject({ organization_id: organization.id, email, role: "admin", status: "pending", inviter_id: owner.userId });
    expect(invitation!.expires_at).toMatch(ISO_DATE);
    expect(new Date(invitation!.expires_at!).getTime()).toBeGreaterThan(Date.now() + 24 * 3600 * 1000);

    const mail = lastMailTo(outbox, email, "organization-invitation");
    expect(mail).toMatchObject({
      invitationId: res.body.id,
      url: `${env.BETTER_AUTH_URL}/accept-invitation/${res.body.id}`,
      organizationName: organization.name,
      inviterEmail: owner.email,
      role: "admin",
      subject: `Join ${organization.name}`,
    });
    expect(mail.text).toContain(mail.url);

    const twice = await owner.client.post("/organization/invite-member", { email, role: "admin" });
    expect(twice.status).toBe(400);
    expect(twice.body.code).toBe("USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION");
    expect(await rows("SELECT id FROM invitation WHERE email = ?", email)).toHaveLength(1);
  });

  it("accepts an invitation after signing up: a member row with the invited role, the invitation accepted", async () => {
    const { owner, organization } = await ownedOrganization("accept");
    const invitee = await unverified("invitee");
    const invited = await owner.client.post("/organization/invite-member", { email: invitee.email, role: "admin" });
    const invitationId = lastMailTo(outbox, invitee.email, "organization-invitation").invitationId;
    expect(invitationId).toBe(invited.body.id);

    const stranger = await signedUp("stranger");
    const stolen = await stranger.client.post("/organization/accept-invitation", { invitationId });
    expect(stolen.status).toBe(403);
    expect(stolen.body.code).toBe("YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION");

    // Anyone can sign up with the invited address: until they show they own it, the invitation stays pending.
    const unproven = await invitee.client.post("/organization/accept-invitation", { invitationId });
    expect(unproven.status).toBe(403);
    expect(unproven.body.code).toBe("EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION");
    expect(await one("SELECT status FROM invitation WHERE id = ?", invitationId)).toEqual({ status: "pending" });
    expect(await rows("SELECT id FROM member WHERE user_id = ?", invitee.userId)).toHaveLength(0);
    await verifyEmail(invitee, outbox);
    const res = await invitee.client.post("/organization/accept-invitation", { invitationId });
    expect(res.status).toBe(200);
    expect(res.body.invitation).toMatchObject({ id: invitationId, status: "accepted" });
    expect(res.body.member).toMatchObject({ userId: invitee.userId, organizationId: organization.id, role: "admin" });
    expect(await one("SELECT status FROM invitation WHERE id = ?", invitationId)).toEqual({ status: "accepted" });
    expect(await one("SELECT id, role FROM member WHERE organization_id = ? AND user_id = ?", organization.id, invitee.userId)).toEqual({
      id: res.body.member.id,
      role: "admin",
    });
    expect(await rows("SELECT id FROM member WHERE user_id = ?", stranger.userId)).toHaveLength(0);
    expect((await activeIn(invitee.client))!.active_organization_id).toBe(organization.id);

    const again = await invitee.client.post("/organization/accept-invitation", { invitationId });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe("INVITATION_NOT_FOUND");
    const members = await owner.client.get("/organization/list-members");
    expect(members.body.total).toBe(2);
    expect(members.body.members.map((m: { user: { email: string } }) => m.user.email).sort()).toEqual([owner.email, invitee.email].sort());
  });

  it("lets the invitee reject an invitation and the inviter cancel another; neither makes a member", async () => {
    const { owner, organization } = await ownedOrganization("decline");
    const invitee = await signedUp("rejecter");
    const toReject = await owner.client.post("/organization/invite-member", { email: invitee.email, role: "member" });
    const rejected = await invitee.client.post("/organization/reject-invitation", { invitationId: toReject.body.id });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ invitation: { id: toReject.body.id, status: "rejected" }, member: null });
    expect(await one("SELECT status FROM invitation WHERE id = ?", toReject.body.id)).toEqual({ status: "rejected" });

    const cancelledEmail = uniqueEmail(`${name}-org-cancelled`);
    const toCancel = await owner.client.post("/organization/invite-member", { email: cancelledEmail, role: "member" });
    const cancelled = await owner.client.post("/organization/cancel-invitation", { invitationId: toCancel.body.id });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: toCancel.body.id, status: "canceled" });
    expect(await one("SELECT status FROM invitation WHERE id = ?", toCancel.body.id)).toEqual({ status: "canceled" });

    // A declined invitation cannot be taken back: accepting it afterwards finds nothing.
    const late = await invitee.client.post("/organization/accept-invitation", { invitationId: toReject.body.id });
    expect(late.status).toBe(400);
    expect(late.body.code).toBe("INVITATION_NOT_FOUND");
    expect(await rows("SELECT user_id FROM member WHERE organization_id = ?", organization.id)).toEqual([{ user_id: owner.userId }]);
  });

  it("teams: create, add and remove members, set the active team, list teams and team members", async () => {
    const { owner, organization } = await ownedOrganization("teams");
    const member = await joined(owner.client, organization.id, "teammate");
    const created = await owner.client.post("/organization/create-team", { name: "Platform" });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: "Platform", organizationId: organization.id });
    const teamId = created.body.id as string;
    const teamRow = () => one<Record<string, unknown>>("SELECT * FROM team WHERE id = ?", teamId);
    expect(await teamRow()).toMatchObject({ name: "Platform", organization_id: organization.id, member_count: 0 });
    expect((await teamRow())!.created_at).toMatch(ISO_DATE);

    const teams = await owner.client.get("/organization/list-teams");
    expect(teams.status).toBe(200);
    expect(teams.body.map((t: { name: string }) => t.name).sort()).toEqual([organization.name, "Platform"].sort());

    // Only a team's members may make it their active team.
    const early = await member.client.post("/organization/set-active-team", { teamId });
    expect(early.status).toBe(403);
    expect(early.body.code).toBe("USER_IS_NOT_A_MEMBER_OF_THE_TEAM");
    expect((await activeIn(member.client))!.active_team_id).toBeNull();

    const added = await owner.client.post("/organization/add-team-member", { teamId, userId: member.userId });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ teamId, userId: member.userId });
    expect(await rows("SELECT id FROM team_member WHERE team_id = ? AND user_id = ?", teamId, member.userId)).toEqual([{ id: added.body.id }]);
    expect(await teamRow()).toMatchObject({ member_count: 1 });
    // Adding the same person again changes nothing.
    expect((await owner.client.post("/organization/add-team-member", { teamId, userId: member.userId })).body.id).toBe(added.body.id);
    expect(await teamRow()).toMatchObject({ member_count: 1 });

    const active = await member.client.post("/organization/set-active-team", { teamId });
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({ id: teamId, name: "Platform" });
    expect(await activeIn(member.client)).toEqual({ active_organization_id: organization.id, active_team_id: teamId });

    const teamMembers = await member.client.get("/organization/list-team-members");
    expect(teamMembers.status).toBe(200);
    expect(teamMembers.body).toEqual([expect.objectContaining({ teamId, userId: member.userId })]);
    const userTeams = await member.client.get("/organization/list-user-teams");
    expect(userTeams.body).toEqual([expect.objectContaining({ id: teamId, name: "Platform" })]);

    const removed = await owner.client.post("/organization/remove-team-member", { teamId, userId: member.userId });
    expect(removed.status).toBe(200);
    expect(await rows("SELECT id FROM team_member WHERE team_id = ?", teamId)).toHaveLength(0);
    expect(await teamRow()).toMatchObject({ member_count: 0 });
    const outside = await member.client.get(`/organization/list-team-members?teamId=${teamId}`);
    expect(outside.status).toBe(400);
    expect(outside.body.code).toBe("USER_IS_NOT_A_MEMBER_OF_THE_TEAM");
  });

  it("a member leaves: their member and team rows go, and the organization is no longer active for them", async () => {
    const { owner, organization } = await ownedOrganization("leave");
    const member = await joined(owner.client, organization.id, "leaver");
    const [defaultTeam] = await rows<{ id: string }>("SELECT id FROM team WHERE organization_id = ?", organization.id);
    await owner.client.post("/organization/add-team-member", { teamId: defaultTeam!.id, userId: member.userId });

    const res = await member.client.post("/organization/leave", { organizationId: organization.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: member.memberId, userId: member.userId });
    expect(await rows("SELECT id FROM member WHERE id = ?", member.memberId)).toHaveLength(0);
    expect(await rows("SELECT id FROM team_member WHERE user_id = ?", member.userId)).toHaveLength(0);
    expect(await one("SELECT member_count FROM team WHERE id = ?", defaultTeam!.id)).toEqual({ member_count: 1 });
    expect((await activeIn(member.client))!.active_organization_id).toBeNull();
    expect((await member.client.get(`/organization/list-members?organizationId=${organization.id}`)).status).toBe(403);

    const lastOwner = await owner.client.post("/organization/leave", { organizationId: organization.id });
    expect(lastOwner.status).toBe(400);
    expect(lastOwner.body.code).toBe("YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER");
    expect(await rows("SELECT user_id, role FROM member WHERE organization_id = ?", organization.id)).toEqual([{ user_id: owner.userId, role: "owner" }]);
  });

  it("the owner removes a member, who then loses access", async () => {
    const { owner, organization } = await ownedOrganization("remove");
    const member = await joined(owner.client, organization.id, "removed");
    const res = await owner.client.post("/organization/remove-member", { memberIdOrEmail: member.memberId });
    expect(res.status).toBe(200);
    expect(res.body.member).toMatchObject({ id: member.memberId, userId: member.userId, role: "member" });
    expect(await rows("SELECT id FROM member WHERE id = ?", member.memberId)).toHaveLength(0);

    const denied = await member.client.get("/organization/list-members");
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe("YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION");
    // Their session still names the organization as active; every check against it now fails.
    const permission = await member.client.post("/organization/has-permission", { permissions: { project: ["read"] } });
    expect(permission.status).toBe(401);
    expect(permission.body.code).toBe("USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION");
  });

  it("deletes the organization with its members, invitations, teams, team members and roles", async () => {
    const { owner, organization } = await ownedOrganization("delete");
    const member = await joined(owner.client, organization.id, "doomed");
    const team = await owner.client.post("/organization/create-team", { name: "Doomed team" });
    await owner.client.post("/organization/add-team-member", { teamId: team.body.id, userId: member.userId });
    await owner.client.post("/organization/create-role", { role: "doomed", permission: { project: ["read"] } });
    await owner.client.post("/organization/invite-member", { email: uniqueEmail(`${name}-org-pending`), role: "member" });
    const before = await organizationRows(organization.id);
    const counts = Object.fromEntries(Object.entries(before).map(([table, found]) => [table, found.length]));
    expect(counts).toEqual({ organization: 1, member: 2, invitation: 2, team: 2, teamMember: 2, organizationRole: 1 });

    const res = await owner.client.post("/organization/delete", { organizationId: organization.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: organization.id, slug: organization.slug });
    expect(await organizationRows(organization.id)).toEqual({ organization: [], member: [], invitation: [], team: [], teamMember: [], organizationRole: [] });
    expect(await rows("SELECT id FROM team WHERE id = ?", team.body.id)).toHaveLength(0);
    expect((await activeIn(owner.client))!.active_organization_id).toBeNull();
    expect(await one("SELECT id FROM user WHERE id = ?", member.userId)).toEqual({ id: member.userId });
    expect((await owner.client.get("/organization/list")).body).toEqual([]);
  });
});
