import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { linkIn, ORIGIN, textOf, uniqueEmail } from "./support.js";
import { call, captureMailLog, postJSON, signUp } from "./worker.js";

const loggedMails = captureMailLog();

async function pageText(path: string, cookie: string): Promise<string> {
  const res = await call(path, { cookie });
  expect(res.status).toBe(200);
  return res.text();
}

/** An owner with an active organization of that name, created as the page's script does it. */
async function ownerOf(name: string): Promise<{ email: string; cookie: string; slug: string }> {
  const email = uniqueEmail();
  const cookie = await signUp(email, "Olivia");
  const slug = `org-${crypto.randomUUID()}`;
  const res = await postJSON("/api/auth/organization/create", { name, slug }, cookie);
  expect(res.status).toBe(200);
  return { email, cookie, slug };
}

/** Signs up and opens the logged verification link, as the invitee would. */
async function verifiedUser(email: string): Promise<string> {
  const cookie = await signUp(email, "Bob");
  const verification = loggedMails().find((line) => line.startsWith(`[mail] Verify your email address (to ${email})`));
  await exports.default.fetch(linkIn(verification), { redirect: "manual" });
  return cookie;
}

describe("/organizations", () => {
  it("lists a new organization as mine and active", async () => {
    const owner = await ownerOf("Acme Labs");

    const body = await pageText("/organizations", owner.cookie);

    expect(textOf(body, "active-organization")).toBe("Active organization: Acme Labs");
    expect(textOf(body, "organization")).toBe(`Acme Labs (${owner.slug}) (active)`);
    expect(textOf(body, "members")).toBe(`${owner.email} (owner)`);
  });

  it("switches the active organization with the id its button carries", async () => {
    const owner = await ownerOf("First");
    await postJSON("/api/auth/organization/create", { name: "Second", slug: `org-${crypto.randomUUID()}` }, owner.cookie);
    const before = await pageText("/organizations", owner.cookie);
    expect(textOf(before, "active-organization")).toBe("Active organization: Second");
    const firstId = /data-testid="set-active-organization" data-organization-id="([^"]+)"/.exec(before)?.[1];

    const res = await postJSON("/api/auth/organization/set-active", { organizationId: firstId }, owner.cookie);

    expect(res.status).toBe(200);
    expect(textOf(await pageText("/organizations", owner.cookie), "active-organization")).toBe("Active organization: First");
  });

  it("invites by email: the invitation is pending, and its mailed link opens the accept page", async () => {
    const owner = await ownerOf("Acme");
    const inviteeEmail = uniqueEmail();

    const invite = await postJSON("/api/auth/organization/invite-member", { email: inviteeEmail, role: "member" }, owner.cookie);

    expect(invite.status).toBe(200);
    const body = await pageText("/organizations", owner.cookie);
    expect(textOf(body, "pending-invitation")).toBe(`${inviteeEmail} as member Cancel`);
    const link = linkIn(loggedMails().find((line) => line.startsWith(`[mail] Join Acme (to ${inviteeEmail})`)));
    expect(link).toMatch(new RegExp(`^${ORIGIN}/accept-invitation/[^/]+$`));

    const inviteeCookie = await verifiedUser(inviteeEmail);
    const path = new URL(link).pathname;
    const received = await pageText("/organizations", inviteeCookie);
    expect(received).toContain(`<a href="${path}">Acme</a> as member`);
    const accept = await pageText(path, inviteeCookie);
    expect(textOf(accept, "invitation-summary")).toBe(`${owner.email} invites you to join Acme as member.`);
    expect(textOf(accept, "accept-invitation")).toBe("Accept invitation");

    const accepted = await postJSON("/api/auth/organization/accept-invitation", { invitationId: path.split("/").at(-1) }, inviteeCookie);

    expect(accepted.status).toBe(200);
    const after = await pageText("/organizations", inviteeCookie);
    expect(textOf(after, "active-organization")).toBe("Active organization: Acme");
    expect(textOf(after, "members")).toContain(`${inviteeEmail} (member)`);
    expect(textOf(await pageText("/organizations", owner.cookie), "pending-invitations")).toBe("None.");
  });

  it("shows someone else's invitation as refused, without accept buttons", async () => {
    const owner = await ownerOf("Acme");
    const invite = await postJSON("/api/auth/organization/invite-member", { email: uniqueEmail(), role: "member" }, owner.cookie);
    const { id } = await invite.json<{ id: string }>();

    const res = await call(`/accept-invitation/${id}`, { cookie: await verifiedUser(uniqueEmail()) });

    expect(res.status).toBe(403);
    const body = await res.text();
    expect(textOf(body, "error")).toMatch(/not the recipient/i);
    expect(body).not.toContain('<button type="button" data-testid="accept-invitation">');
  });

  it("asks an invitee whose address is not verified yet to verify it first, without accept buttons", async () => {
    const owner = await ownerOf("Acme");
    const inviteeEmail = uniqueEmail();
    const invite = await postJSON("/api/auth/organization/invite-member", { email: inviteeEmail, role: "member" }, owner.cookie);
    const { id } = await invite.json<{ id: string }>();

    const res = await call(`/accept-invitation/${id}`, { cookie: await signUp(inviteeEmail) });

    expect(res.status).toBe(200);
    const body = await res.text();
    expect(textOf(body, "error")).toMatch(/^Verify your email address first/);
    expect(body).not.toContain('<button type="button" data-testid="accept-invitation">');
  });
});
