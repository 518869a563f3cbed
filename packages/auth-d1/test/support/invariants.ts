/**
 * The invariants flow-fault tests check straight in D1, each named so a failure says what broke, and the small
 * reads and fixtures they need (test/support/fault-flows.ts runs them).
 */
import { env } from "cloudflare:test";
import { expect } from "vitest";
import type { JsonResponse } from "./client.js";
import { rows } from "./d1.js";

/** Invariant: a session cookie a response sets names a session D1 holds (never one whose write failed). */
export async function sessionCookieIsStored(res: JsonResponse): Promise<void> {
  const line = res.headers.getSetCookie().find((c) => c.startsWith("better-auth.session_token=") && !/max-age=0/i.test(c));
  if (!line) return;
  const token = decodeURIComponent(line.slice("better-auth.session_token=".length).split(";")[0]!).split(".")[0];
  const stored = await rows("SELECT id FROM session WHERE token = ?", token);
  expect(stored, "invariant sessionCookieIsStored: the Set-Cookie session is in D1").toHaveLength(1);
}

/** Invariant: no session, account, member, team membership, passkey or two-factor row of a user who is gone. */
export async function noRowsOfMissingUsers(userId: string): Promise<void> {
  if ((await rows("SELECT id FROM user WHERE id = ?", userId)).length > 0) return;
  for (const table of ["session", "account", "member", "team_member", "passkey", "two_factor"]) {
    expect(await rows(`SELECT id FROM ${table} WHERE user_id = ?`, userId), `invariant noRowsOfMissingUsers: ${table} rows of deleted user`).toHaveLength(0);
  }
}

/** Invariant: a user who exists has a credential account with a password, so they can still sign in. */
export async function userHasCredentialAccount(userId: string): Promise<void> {
  if ((await rows("SELECT id FROM user WHERE id = ?", userId)).length === 0) return;
  const accounts = await rows("SELECT id FROM account WHERE user_id = ? AND provider_id = 'credential' AND password IS NOT NULL", userId);
  expect(accounts, "invariant userHasCredentialAccount: the user still exists but their credential account is gone").toHaveLength(1);
}

/** The stored password hash of a user's credential account, to tell a changed password from an unchanged one. */
export async function passwordHash(userId: string): Promise<string | undefined> {
  return (await rows<{ password: string }>("SELECT password FROM account WHERE user_id = ? AND provider_id = 'credential'", userId))[0]?.password;
}

/** The tokens of a user's sessions, sorted. */
export async function sessionTokens(userId: string): Promise<string[]> {
  return (await rows<{ token: string }>("SELECT token FROM session WHERE user_id = ? ORDER BY token", userId)).map((r) => r.token);
}

/** A second signed-in device for `userId`: a copy of one of its sessions under a new token, written straight to D1. */
export async function anotherDevice(userId: string): Promise<string> {
  const token = crypto.randomUUID().replaceAll("-", "");
  await env.DB.prepare(
    "INSERT INTO session (id, expires_at, token, created_at, updated_at, ip_address, user_agent, user_id) SELECT ?, expires_at, ?, created_at, updated_at, ip_address, 'other device', user_id FROM session WHERE user_id = ? LIMIT 1",
  )
    .bind(crypto.randomUUID(), token, userId)
    .run();
  return token;
}

/** A user's email and verified flag, or undefined once deleted. */
export async function userState(userId: string) {
  return (await rows<{ email: string; email_verified: number }>("SELECT email, email_verified FROM user WHERE id = ?", userId))[0];
}

/** The reset tokens D1 holds for a user. */
export async function storedResetTokens(userId: string): Promise<string[]> {
  return (await rows<{ identifier: string }>("SELECT identifier FROM verification WHERE value = ? AND substr(identifier, 1, 15) = 'reset-password:'", userId)).map(
    (r) => r.identifier.slice("reset-password:".length),
  );
}

/** A path to send through the handler from a mailed link. */
export function pathOf(url: string): string {
  const link = new URL(url);
  return link.pathname.replace("/api/auth", "") + link.search;
}

/** Invariant: an organization that exists has `ownerId` as its owner member, and a team with the owner in it. */
export async function organizationHasOwner(organizationId: string, ownerId: string): Promise<void> {
  const owners = await rows("SELECT id FROM member WHERE organization_id = ? AND user_id = ? AND role = 'owner'", organizationId, ownerId);
  expect(owners, "invariant organizationHasOwner: an organization without its owner member").toHaveLength(1);
  const inTeam = await rows("SELECT tm.id FROM team_member tm JOIN team t ON t.id = tm.team_id WHERE t.organization_id = ? AND tm.user_id = ?", organizationId, ownerId);
  expect(inTeam, "invariant organizationHasOwner: the owner is not in the default team").toHaveLength(1);
}

/** Invariant: each team's seat count is the number of its team members. */
export async function teamSeatsMatchMembers(organizationId: string): Promise<void> {
  const teams = await rows<{ id: string; member_count: number; members: number }>(
    "SELECT t.id, t.member_count, (SELECT count(*) FROM team_member tm WHERE tm.team_id = t.id) AS members FROM team t WHERE t.organization_id = ?",
    organizationId,
  );
  for (const team of teams) expect(team.member_count, `invariant teamSeatsMatchMembers: team ${team.id}`).toBe(team.members);
}

/** Invariant: a user is in an organization's teams only while a member of it, and once at most. */
export async function teamMembershipFollowsMembership(organizationId: string, userId: string): Promise<boolean> {
  const member = await rows("SELECT id FROM member WHERE organization_id = ? AND user_id = ?", organizationId, userId);
  expect(member.length, "invariant oneMembershipPerUser").toBeLessThanOrEqual(1);
  const inTeams = await rows("SELECT tm.id FROM team_member tm JOIN team t ON t.id = tm.team_id WHERE t.organization_id = ? AND tm.user_id = ?", organizationId, userId);
  expect(inTeams.length > 0, "invariant teamMembershipFollowsMembership: in a team iff a member").toBe(member.length === 1);
  return member.length === 1;
}

/** Invariant: an invitation is accepted iff its invitee is a member. */
export async function invitationAcceptedIffMember(invitationId: string, organizationId: string, userId: string): Promise<boolean> {
  const status = (await rows<{ status: string }>("SELECT status FROM invitation WHERE id = ?", invitationId))[0]?.status;
  const member = await teamMembershipFollowsMembership(organizationId, userId);
  expect(status === "accepted", `invariant invitationAcceptedIffMember: status ${status}, member ${member}`).toBe(member);
  return member;
}

/** Invariant: a user's two-factor flag is on iff their TOTP row is verified (enabling half-way leaves it off). */
export async function twoFactorFlagIffVerifiedRow(userId: string): Promise<boolean> {
  const enabled = (await rows<{ two_factor_enabled: number }>("SELECT two_factor_enabled FROM user WHERE id = ?", userId))[0]?.two_factor_enabled === 1;
  const secrets = await rows<{ verified: number }>("SELECT verified FROM two_factor WHERE user_id = ?", userId);
  expect(secrets.length, "invariant oneTwoFactorRowPerUser").toBeLessThanOrEqual(1);
  expect(secrets[0]?.verified === 1, `invariant twoFactorFlagIffVerifiedRow: flag ${enabled}, row ${JSON.stringify(secrets[0])}`).toBe(enabled);
  return enabled;
}

/** Invariant: the caller is still signed in: the session their cookie names is in D1. */
export async function callerKeepsASession(client: { sessionToken: string | undefined }): Promise<void> {
  expect(await rows("SELECT id FROM session WHERE token = ?", client.sessionToken ?? ""), "invariant callerKeepsASession: the caller was signed out").toHaveLength(1);
}

/** Invariant: a registration's challenge is spent iff its passkey is stored (a spent challenge cannot be answered again). */
export async function challengeSpentIffPasskeyStored(userId: string, challenge: string): Promise<boolean> {
  const passkeys = await rows("SELECT id FROM passkey WHERE user_id = ?", userId);
  expect(passkeys.length, "invariant onePasskeyPerRegistration").toBeLessThanOrEqual(1);
  // instr, not LIKE: D1 refuses LIKE patterns over 50 bytes.
  const pending = await rows("SELECT id FROM verification WHERE instr(value, ?) > 0", `"expectedChallenge":"${challenge}"`);
  expect(pending.length === 0, `invariant challengeSpentIffPasskeyStored: ${pending.length} pending, ${passkeys.length} stored`).toBe(passkeys.length === 1);
  return passkeys.length === 1;
}
