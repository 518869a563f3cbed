/**
 * presets.organization as its tests configure it (teams and run-time roles on), and the people they need:
 * a signed-up user, an owner with a fresh organization, a member who joined by invitation.
 */
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";
import { env } from "cloudflare:test";
import { expect } from "vitest";
import type { AuthEmail } from "../../src/mail.js";
import * as presets from "../../src/presets/index.js";
import { adaptersWith } from "./adapters.js";
import type { AuthHandler, TestClient } from "./client.js";
import { one, rows } from "./d1.js";
import { signedUp as signedUpOn, verifyEmail, type SignedUpUser } from "./users.js";

// Dynamic access control needs an `ac` whose statements list every resource a run-time role may name, and
// static roles drawn from it: a run-time role may only grant what the member creating it holds.
const ac = createAccessControl({ ...defaultStatements, project: ["create", "read", "update", "delete"] });
const roles = {
  owner: ac.newRole({ ...ownerAc.statements, project: ["create", "read", "update", "delete"] }),
  admin: ac.newRole({ ...adminAc.statements, project: ["create", "read", "update"] }),
  member: ac.newRole({ ...memberAc.statements, project: ["read"] }),
};

/** presets.organization with teams, dynamic access control and a `project` resource. */
export function organizationPreset() {
  return presets.organization({ ac, roles, teams: { enabled: true }, dynamicAccessControl: { enabled: true } });
}

/** Both adapters with {@link organizationPreset}. Call at module scope. */
export function organizationAdapters() {
  return adaptersWith((sendEmail) => ({ sendEmail, plugins: [organizationPreset()] }));
}

/** Every row that belongs to an organization, in a stable order, to compare before and after a request. */
export async function organizationRows(organizationId: string) {
  return {
    organization: await rows("SELECT * FROM organization WHERE id = ?", organizationId),
    member: await rows("SELECT * FROM member WHERE organization_id = ? ORDER BY id", organizationId),
    invitation: await rows("SELECT * FROM invitation WHERE organization_id = ? ORDER BY id", organizationId),
    team: await rows("SELECT * FROM team WHERE organization_id = ? ORDER BY id", organizationId),
    teamMember: await rows("SELECT tm.* FROM team_member tm JOIN team t ON t.id = tm.team_id WHERE t.organization_id = ? ORDER BY tm.id", organizationId),
    organizationRole: await rows("SELECT * FROM organization_role WHERE organization_id = ? ORDER BY id", organizationId),
  };
}

/** The organization and team a client's session has active, as D1 holds them. */
export async function activeIn(client: TestClient) {
  return one<{ active_organization_id: string | null; active_team_id: string | null }>(
    "SELECT active_organization_id, active_team_id FROM session WHERE token = ?",
    client.sessionToken,
  );
}

/** Makes the people a test needs, through HTTP only, on one adapter. */
export function organizationPeople({ name, auth, outbox }: { name: string; auth: () => AuthHandler; outbox: AuthEmail[] }) {
  /** A new user who has not followed the verification link yet. */
  function unverified(label: string): Promise<SignedUpUser> {
    return signedUpOn(auth(), `${name}-org-${label}`, `User ${label}`);
  }

  /** A new user who has followed the verification link: presets.organization wants that before accepting. */
  async function signedUp(label: string): Promise<SignedUpUser> {
    const user = await unverified(label);
    await verifyEmail(user, outbox);
    return user;
  }

  /** A signed-up owner and their new organization, which is now their session's active one. */
  async function ownedOrganization(label: string) {
    const owner = await signedUp(`${label}-owner`);
    const organization = { name: `Org ${label}`, slug: `${name}-${label}-${crypto.randomUUID().slice(0, 8)}` };
    const res = await owner.client.post("/organization/create", organization);
    expect(res.status).toBe(200);
    return { owner, organization: { ...organization, id: res.body.id as string }, created: res.body };
  }

  /** Invites a fresh user with `role` and has them accept; the organization becomes their active one. */
  async function joined(owner: TestClient, organizationId: string, label: string, role = "member") {
    const user = await signedUp(label);
    const invited = await owner.post("/organization/invite-member", { email: user.email, role, organizationId });
    expect(invited.status).toBe(200);
    const accepted = await user.client.post("/organization/accept-invitation", { invitationId: invited.body.id });
    expect(accepted.status).toBe(200);
    return { ...user, memberId: accepted.body.member.id as string };
  }

  return { signedUp, unverified, ownedOrganization, joined };
}

/**
 * An owner and their organization with its default team, made on first use and shared after that, for tests
 * that need an organization but do not use it up; `invited` adds a fresh user with a pending invitation.
 *
 * @example
 * const org = sharedOrganization(auth, `${name}-faults`);
 * const { owner, organizationId } = await org.owned();
 */
export function sharedOrganization(auth: () => AuthHandler, label: string) {
  let made: Promise<{ owner: SignedUpUser; organizationId: string; teamId: string }> | undefined;
  function owned() {
    made ??= (async () => {
      const owner = await signedUpOn(auth(), `${label}-owner`);
      const created = await owner.client.post("/organization/create", { name: "Shared", slug: `${label}-${crypto.randomUUID().slice(0, 8)}` });
      expect(created.status).toBe(200);
      const [team] = await rows<{ id: string }>("SELECT id FROM team WHERE organization_id = ?", created.body.id);
      return { owner, organizationId: created.body.id as string, teamId: team!.id };
    })();
    return made;
  }
  /**
   * A fresh user invited into the organization and its default team, their address marked verified in D1
   * (presets.organization accepts invitations only from verified addresses; these tests are about the accept).
   */
  async function invited(userLabel: string) {
    const { owner, organizationId, teamId } = await owned();
    const user = await signedUpOn(auth(), `${label}-${userLabel}`);
    await markVerified(user.userId);
    const invitation = await owner.client.post("/organization/invite-member", { email: user.email, role: "member", organizationId, teamId });
    expect(invitation.status).toBe(200);
    return { ...user, organizationId, invitationId: invitation.body.id as string };
  }
  return { owned, invited };
}

/** Marks `userId`'s address verified straight in D1, as following the mailed link would. */
export async function markVerified(userId: string): Promise<void> {
  await env.DB.prepare("UPDATE user SET email_verified = 1 WHERE id = ?").bind(userId).run();
}
