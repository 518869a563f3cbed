/**
 * presets.organization's roles over HTTP on both adapters: changing a member's role, has-permission,
 * roles created at run time (dynamic access control), and a plain member refused with D1 left untouched.
 */
import { describe, expect, it } from "vitest";
import { ISO_DATE, one, organizationAdapters, organizationPeople, organizationRows, rows, uniqueEmail } from "../support/index.js";

const both = organizationAdapters();

describe.each(both)("$name adapter: presets.organization roles over HTTP", { timeout: 120_000 }, (adapter) => {
  const { name, outbox } = adapter;
  const { ownedOrganization, joined } = organizationPeople(adapter);

  it("updates a member's role, and has-permission follows it", async () => {
    const { owner, organization } = await ownedOrganization("role");
    const member = await joined(owner.client, organization.id, "promoted");
    const check = (permissions: Record<string, string[]>) => member.client.post("/organization/has-permission", { permissions });

    const before = await check({ invitation: ["create"] });
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ error: null, success: false });
    expect((await check({ project: ["read"] })).body.success).toBe(true);

    const res = await owner.client.post("/organization/update-member-role", { memberId: member.memberId, role: "admin" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: member.memberId, role: "admin" });
    expect(await one("SELECT role FROM member WHERE id = ?", member.memberId)).toEqual({ role: "admin" });

    expect((await check({ invitation: ["create"], member: ["update"] })).body.success).toBe(true);
    // admin may not delete the organization, and every permission asked for must be held.
    expect((await check({ organization: ["delete"] })).body.success).toBe(false);
    expect((await check({ invitation: ["create"], organization: ["delete"] })).body.success).toBe(false);
    expect((await owner.client.post("/organization/has-permission", { permissions: { organization: ["delete"] } })).body.success).toBe(true);

    const unknown = await owner.client.post("/organization/update-member-role", { memberId: member.memberId, role: "no-such-role" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe("ROLE_NOT_FOUND");
    expect(await one("SELECT role FROM member WHERE id = ?", member.memberId)).toEqual({ role: "admin" });
  });

  it("creates a custom role at run time, assigns it, and has-permission reflects its permissions", async () => {
    const { owner, organization } = await ownedOrganization("custom");
    const member = await joined(owner.client, organization.id, "reviewer");
    const check = (permissions: Record<string, string[]>) => member.client.post("/organization/has-permission", { permissions });
    expect((await check({ project: ["update"] })).body.success).toBe(false);

    const permission = { project: ["read", "update"], invitation: ["create"] };
    const created = await owner.client.post("/organization/create-role", { role: "Reviewer", permission });
    expect(created.status).toBe(200);
    // better-auth stores role names in lower case.
    expect(created.body).toMatchObject({ success: true, roleData: { role: "reviewer", organizationId: organization.id, permission } });
    const stored = await one<Record<string, string>>("SELECT * FROM organization_role WHERE organization_id = ?", organization.id);
    expect(stored).toMatchObject({ id: created.body.roleData.id, role: "reviewer" });
    expect(JSON.parse(stored!.permission!)).toEqual(permission);
    expect(stored!.created_at).toMatch(ISO_DATE);

    const taken = await owner.client.post("/organization/create-role", { role: "reviewer", permission });
    expect(taken.status).toBe(400);
    expect(taken.body.code).toBe("ROLE_NAME_IS_ALREADY_TAKEN");
    const invalid = await owner.client.post("/organization/create-role", { role: "auditor", permission: { billing: ["read"] } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe("INVALID_RESOURCE");
    expect(await rows("SELECT id FROM organization_role WHERE organization_id = ?", organization.id)).toHaveLength(1);

    const listed = await owner.client.get("/organization/list-roles");
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([expect.objectContaining({ role: "reviewer", permission })]);

    const assigned = await owner.client.post("/organization/update-member-role", { memberId: member.memberId, role: "reviewer" });
    expect(assigned.status).toBe(200);
    expect(await one("SELECT role FROM member WHERE id = ?", member.memberId)).toEqual({ role: "reviewer" });
    expect((await check({ project: ["update"] })).body.success).toBe(true);
    expect((await check({ invitation: ["create"] })).body.success).toBe(true);
    expect((await check({ project: ["delete"] })).body.success).toBe(false);
    expect((await check({ member: ["delete"] })).body.success).toBe(false);

    // The custom role can be handed out by invitation too, and the holder may use it to invite.
    const email = uniqueEmail(`${name}-org-second-reviewer`);
    const invited = await member.client.post("/organization/invite-member", { email, role: "reviewer" });
    expect(invited.status).toBe(200);
    expect(await one("SELECT role, inviter_id FROM invitation WHERE id = ?", invited.body.id)).toEqual({ role: "reviewer", inviter_id: member.userId });

    const inUse = await owner.client.post("/organization/delete-role", { roleName: "reviewer" });
    expect(inUse.status).toBe(400);
    expect(inUse.body.code).toBe("ROLE_IS_ASSIGNED_TO_MEMBERS");
    expect(await rows("SELECT id FROM organization_role WHERE organization_id = ?", organization.id)).toHaveLength(1);
    await owner.client.post("/organization/update-member-role", { memberId: member.memberId, role: "member" });
    const deleted = await owner.client.post("/organization/delete-role", { roleName: "reviewer" });
    expect(deleted.status).toBe(200);
    expect(await rows("SELECT id FROM organization_role WHERE organization_id = ?", organization.id)).toHaveLength(0);
    expect((await check({ project: ["update"] })).body.success).toBe(false);
  });

  it("lets a member create a role only with permissions they hold themselves", async () => {
    const { owner, organization } = await ownedOrganization("escalate");
    const admin = await joined(owner.client, organization.id, "admin", "admin");
    const tooMuch = await admin.client.post("/organization/create-role", { role: "deleter", permission: { project: ["read", "delete"] } });
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body).toMatchObject({ code: "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE", missingPermissions: ["project:delete"] });
    expect(await rows("SELECT id FROM organization_role WHERE organization_id = ?", organization.id)).toHaveLength(0);

    const within = await admin.client.post("/organization/create-role", { role: "editor", permission: { project: ["read", "update"] } });
    expect(within.status).toBe(200);
    expect(await rows("SELECT role FROM organization_role WHERE organization_id = ?", organization.id)).toEqual([{ role: "editor" }]);
  });

  it("refuses a plain member who invites, changes roles, deletes the organization, creates roles or teams, cancels or removes; D1 is unchanged", async () => {
    const { owner, organization } = await ownedOrganization("forbidden");
    const member = await joined(owner.client, organization.id, "plain");
    const other = await joined(owner.client, organization.id, "other");
    const pending = await owner.client.post("/organization/invite-member", { email: uniqueEmail(`${name}-org-pending`), role: "member" });
    const ownerMemberId = (await one<{ id: string }>("SELECT id FROM member WHERE user_id = ?", owner.userId))!.id;
    const before = await organizationRows(organization.id);
    const mailsBefore = outbox.length;

    const attempts = [
      ["/organization/invite-member", { email: uniqueEmail(`${name}-org-friend`), role: "member" }, 403, "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION"],
      ["/organization/update-member-role", { memberId: member.memberId, role: "admin" }, 403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER"],
      ["/organization/update-member-role", { memberId: other.memberId, role: "admin" }, 403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER"],
      ["/organization/update-member-role", { memberId: ownerMemberId, role: "member" }, 403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER"],
      ["/organization/delete", { organizationId: organization.id }, 403, "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION"],
      ["/organization/create-role", { role: "sneaky", permission: { project: ["read"] } }, 403, "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE"],
      ["/organization/cancel-invitation", { invitationId: pending.body.id }, 403, "YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION"],
      ["/organization/create-team", { name: "Shadow team" }, 403, "YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION"],
      // better-auth answers 401, not 403, when a member may not remove another.
      ["/organization/remove-member", { memberIdOrEmail: other.memberId }, 401, "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER"],
    ] as const;
    for (const [path, body, status, code] of attempts) {
      const res = await member.client.post(path, body);
      expect({ path, status: res.status, code: res.body?.code }).toEqual({ path, status, code });
    }

    expect(await organizationRows(organization.id)).toEqual(before);
    expect(outbox.length).toBe(mailsBefore);
  });
});
