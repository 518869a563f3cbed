/**
 * How to drive presets.organization's endpoints (teams and run-time roles on) to their writes. Drivers that only
 * add to an organization share one; those that take it apart, or its owner's membership, make their own.
 */
import { expect } from "vitest";
import { rows, uniqueEmail } from "../support/index.js";
import { readOnly, served, type Driver, type World } from "./world.js";

/** The shared organization's id, its owner's client, and its default team's id. */
async function shared(w: World) {
  const { owner, organization } = await w.organization();
  const [team] = await rows<{ id: string }>("SELECT id FROM team WHERE organization_id = ? ORDER BY created_at LIMIT 1", organization.id);
  return { owner: owner.client, organizationId: organization.id, teamId: team!.id };
}

/** A new verified user with a pending invitation into the shared organization. */
async function invited(w: World, label: string) {
  const { owner, organizationId } = await shared(w);
  const user = await w.verified(label);
  const invitation = await owner.post("/organization/invite-member", { email: user.email, role: "member", organizationId });
  expect(invitation.status).toBe(200);
  return { ...user, organizationId, invitationId: invitation.body.id as string };
}

/** A new member of the shared organization, who joined by invitation; the organization is their active one. */
async function member(w: World, label: string) {
  const { owner, organizationId, teamId } = await shared(w);
  const joined = await w.people.joined(owner, organizationId, `ew-${label}`);
  return { ...joined, owner, organizationId, teamId };
}

/** A new team in the shared organization. */
async function team(w: World) {
  const { owner, organizationId } = await shared(w);
  const res = await owner.post("/organization/create-team", { name: "Extra", organizationId });
  expect(res.status).toBe(200);
  return { owner, organizationId, teamId: res.body.id as string };
}

/** A new run-time role in the shared organization. */
async function role(w: World) {
  const { owner, organizationId } = await shared(w);
  const roleName = `role-${crypto.randomUUID().slice(0, 8)}`;
  expect((await owner.post("/organization/create-role", { role: roleName, permission: { project: ["read"] }, organizationId })).status).toBe(200);
  return { owner, organizationId, roleName };
}

const slug = (w: World) => `${w.name}-ew-${crypto.randomUUID().slice(0, 8)}`;

export const organizationDrivers: Record<string, Driver> = {
  "/organization/create": async (w) => {
    const { client } = await w.verified("org-create");
    return () => client.post("/organization/create", { name: "Created", slug: slug(w) });
  },
  "/organization/update": async (w) => {
    const { owner, organizationId } = await shared(w);
    return () => owner.post("/organization/update", { organizationId, data: { name: "Renamed" } });
  },
  "/organization/delete": async (w) => {
    const { owner, organization } = await w.people.ownedOrganization("ew-delete");
    await w.people.joined(owner.client, organization.id, "ew-delete-member");
    await owner.client.post("/organization/invite-member", { email: uniqueEmail(`${w.name}-ew-pending`), role: "member", organizationId: organization.id });
    return () => owner.client.post("/organization/delete", { organizationId: organization.id });
  },
  "/organization/set-active": async (w) => {
    const { organizationId } = await shared(w);
    const { client } = await member(w, "set-active");
    expect((await client.post("/organization/set-active", { organizationId: null })).status).toBe(200);
    return () => client.post("/organization/set-active", { organizationId });
  },
  "/organization/get-organization": readOnly(async (w) => {
    const { owner, organizationId } = await shared(w);
    return () => owner.get(`/organization/get-organization?organizationId=${organizationId}`);
  }),
  "/organization/get-full-organization": readOnly(async (w) => {
    const { owner, organizationId } = await shared(w);
    return () => owner.get(`/organization/get-full-organization?organizationId=${organizationId}`);
  }),
  "/organization/list": readOnly(async (w) => {
    const { owner } = await shared(w);
    return () => owner.get("/organization/list");
  }),
  "/organization/invite-member": async (w) => {
    const { owner, organizationId, teamId } = await shared(w);
    return () => owner.post("/organization/invite-member", { email: uniqueEmail(`${w.name}-ew-invitee`), role: "member", organizationId, teamId });
  },
  "/organization/cancel-invitation": async (w) => {
    const { invitationId } = await invited(w, "cancelled");
    const { owner } = await shared(w);
    return () => owner.post("/organization/cancel-invitation", { invitationId });
  },
  "/organization/accept-invitation": async (w) => {
    const { owner, organizationId, teamId } = await shared(w);
    const user = await w.verified("accepting");
    const invitation = await owner.post("/organization/invite-member", { email: user.email, role: "member", organizationId, teamId });
    expect(invitation.status).toBe(200);
    return () => user.client.post("/organization/accept-invitation", { invitationId: invitation.body.id });
  },
  "/organization/get-invitation": readOnly(async (w) => {
    const { client, invitationId } = await invited(w, "get-invitation");
    return () => client.get(`/organization/get-invitation?id=${invitationId}`);
  }),
  "/organization/reject-invitation": async (w) => {
    const { client, invitationId } = await invited(w, "rejecting");
    return () => client.post("/organization/reject-invitation", { invitationId });
  },
  "/organization/list-invitations": readOnly(async (w) => {
    const { owner, organizationId } = await shared(w);
    return () => owner.get(`/organization/list-invitations?organizationId=${organizationId}`);
  }),
  "/organization/get-active-member": readOnly(async (w) => {
    const { client } = await member(w, "active-member");
    return () => client.get("/organization/get-active-member");
  }),
  "/organization/check-slug": readOnly(async (w) => {
    const { owner } = await shared(w);
    return () => owner.post("/organization/check-slug", { slug: slug(w) });
  }),
  "auth.api.addMember": async (w) => {
    const { organizationId, teamId } = await shared(w);
    const { userId } = await w.user("added");
    return () => served(w.auth().api.addMember({ body: { userId, role: "member", organizationId, teamId } }));
  },
  "/organization/remove-member": async (w) => {
    const { owner, organizationId, memberId } = await member(w, "removed");
    return () => owner.post("/organization/remove-member", { memberIdOrEmail: memberId, organizationId });
  },
  "/organization/update-member-role": async (w) => {
    const { owner, organizationId, memberId } = await member(w, "promoted");
    return () => owner.post("/organization/update-member-role", { memberId, role: "admin", organizationId });
  },
  "/organization/leave": async (w) => {
    const { client, organizationId, teamId, userId, owner } = await member(w, "leaving");
    expect((await owner.post("/organization/add-team-member", { teamId, userId })).status).toBe(200);
    return () => client.post("/organization/leave", { organizationId });
  },
  "/organization/list-user-invitations": readOnly(async (w) => {
    const { client } = await invited(w, "list-mine");
    return () => client.get("/organization/list-user-invitations");
  }),
  "/organization/list-members": readOnly(async (w) => {
    const { owner, organizationId } = await shared(w);
    return () => owner.get(`/organization/list-members?organizationId=${organizationId}`);
  }),
  "/organization/get-active-member-role": readOnly(async (w) => {
    const { client } = await member(w, "active-role");
    return () => client.get("/organization/get-active-member-role");
  }),
  "/organization/create-team": async (w) => {
    const { owner, organizationId } = await shared(w);
    return () => owner.post("/organization/create-team", { name: "Platform", organizationId });
  },
  "/organization/list-teams": readOnly(async (w) => {
    const { owner, organizationId } = await shared(w);
    return () => owner.get(`/organization/list-teams?organizationId=${organizationId}`);
  }),
  "/organization/remove-team": async (w) => {
    const { owner, organizationId, teamId } = await team(w);
    const { userId } = await member(w, "team-removed");
    expect((await owner.post("/organization/add-team-member", { teamId, userId })).status).toBe(200);
    return () => owner.post("/organization/remove-team", { teamId, organizationId });
  },
  "/organization/update-team": async (w) => {
    const { owner, teamId } = await team(w);
    return () => owner.post("/organization/update-team", { teamId, data: { name: "Renamed" } });
  },
  "/organization/set-active-team": async (w) => {
    const { client, owner, teamId, userId } = await member(w, "active-team");
    expect((await owner.post("/organization/add-team-member", { teamId, userId })).status).toBe(200);
    return () => client.post("/organization/set-active-team", { teamId });
  },
  "/organization/list-user-teams": readOnly(async (w) => {
    const { owner } = await shared(w);
    return () => owner.get("/organization/list-user-teams");
  }),
  "/organization/list-team-members": readOnly(async (w) => {
    const { owner, teamId } = await shared(w);
    return () => owner.get(`/organization/list-team-members?teamId=${teamId}`);
  }),
  "/organization/add-team-member": async (w) => {
    const { owner, teamId, userId } = await member(w, "team-added");
    return () => owner.post("/organization/add-team-member", { teamId, userId });
  },
  "/organization/remove-team-member": async (w) => {
    const { owner, teamId, userId } = await member(w, "team-left");
    expect((await owner.post("/organization/add-team-member", { teamId, userId })).status).toBe(200);
    return () => owner.post("/organization/remove-team-member", { teamId, userId });
  },
  "/organization/create-role": async (w) => {
    const { owner, organizationId } = await shared(w);
    return () => owner.post("/organization/create-role", { role: `role-${crypto.randomUUID().slice(0, 8)}`, permission: { project: ["read"] }, organizationId });
  },
  "/organization/delete-role": async (w) => {
    const { owner, organizationId, roleName } = await role(w);
    return () => owner.post("/organization/delete-role", { roleName, organizationId });
  },
  "/organization/list-roles": readOnly(async (w) => {
    const { owner, organizationId } = await role(w);
    return () => owner.get(`/organization/list-roles?organizationId=${organizationId}`);
  }),
  "/organization/get-role": readOnly(async (w) => {
    const { owner, organizationId, roleName } = await role(w);
    return () => owner.get(`/organization/get-role?roleName=${roleName}&organizationId=${organizationId}`);
  }),
  "/organization/update-role": async (w) => {
    const { owner, organizationId, roleName } = await role(w);
    return () => owner.post("/organization/update-role", { roleName, organizationId, data: { permission: { project: ["read", "update"] } } });
  },
  "/organization/has-permission": readOnly(async (w) => {
    const { owner, organizationId } = await shared(w);
    return () => owner.post("/organization/has-permission", { permissions: { project: ["read"] }, organizationId });
  }),
};

