/**
 * `/organizations`: create one, list mine, switch the active one, invite people to it.
 *
 * @module
 */
import { html } from "hono/html";
import { layout, type Html } from "./layout.js";

/** What the organizations page shows. */
export interface OrganizationsProps {
  user: { email: string };
  organizations: Array<{ id: string; name: string; slug: string }>;
  /** The session's active organization with its members and invitations, if one is active. */
  active: {
    id: string;
    name: string;
    members: Array<{ role: string; user: { email: string } }>;
    invitations: Array<{ id: string; email: string; role: string | null; status: string }>;
  } | null;
  /** Invitations sent to this user; null while their address is unverified (better-auth lists none then). */
  received: Array<{ id: string; organizationName?: string | undefined; role: string | null }> | null;
  notice?: string | undefined;
  /** The response's CSP nonce, for the page's inline script. */
  nonce: string;
}

const ORGANIZATIONS_SCRIPT = `
onSubmit("create-organization", async ({ name, slug }) => {
  // A slug from the name when none is given: "Acme Labs" becomes "acme-labs".
  const derived = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  await api("/organization/create", { name, slug: slug || derived });
  go("/organizations?notice=organization-created");
});

onClick('[data-testid="set-active-organization"]', async (button) => {
  await api("/organization/set-active", { organizationId: button.dataset.organizationId });
  go("/organizations?notice=organization-switched");
});

onSubmit("invite-member", async ({ email, role }) => {
  await api("/organization/invite-member", { email, role });
  go("/organizations?notice=invitation-sent");
});

onClick('[data-testid="cancel-invitation"]', async (button) => {
  await api("/organization/cancel-invitation", { invitationId: button.dataset.invitationId });
  go("/organizations?notice=invitation-cancelled");
});
`;

/**
 * The organizations page.
 *
 * @example
 * ```ts
 * return c.html(organizationsPage({ user, organizations, active, received, nonce: cspNonce(c) }));
 * ```
 */
export function organizationsPage(props: OrganizationsProps): Html {
  const { active } = props;
  return layout({
    title: "Organizations",
    user: props.user,
    notice: props.notice,
    nonce: props.nonce,
    body: html`
      <p data-testid="active-organization">
        ${active ? html`Active organization: <strong>${active.name}</strong>` : "No active organization."}
      </p>
      <section>
        <h2>My organizations</h2>
        <ul data-testid="organizations">
          ${props.organizations.length === 0 ? html`<li>None yet.</li>` : ""}
          ${props.organizations.map(
            (organization) => html`<li data-testid="organization" data-slug="${organization.slug}">
              ${organization.name} <small>(${organization.slug})</small>
              ${organization.id === active?.id
                ? " (active)"
                : html`<button type="button" data-testid="set-active-organization" data-organization-id="${organization.id}">Make active</button>`}
            </li>`,
          )}
        </ul>
      </section>
      <form id="create-organization">
        <h2>Create an organization</h2>
        <label>Name <input name="name" required /></label>
        <label>Slug (optional) <input name="slug" pattern="[a-z0-9-]+" /></label>
        <button type="submit" data-testid="create-organization">Create</button>
      </form>
      ${active ? activeSection(active) : ""} ${receivedSection(props.received)}
    `,
    script: ORGANIZATIONS_SCRIPT,
  });
}

function activeSection(active: NonNullable<OrganizationsProps["active"]>): Html {
  const pending = active.invitations.filter((invitation) => invitation.status === "pending");
  return html`<section>
      <h2>Members of ${active.name}</h2>
      <ul data-testid="members">
        ${active.members.map((member) => html`<li>${member.user.email} (${member.role})</li>`)}
      </ul>
    </section>
    <form id="invite-member">
      <h2>Invite someone to ${active.name}</h2>
      <label>Email <input name="email" type="email" required /></label>
      <label>Role
        <select name="role"><option value="member">member</option><option value="admin">admin</option></select>
      </label>
      <button type="submit" data-testid="invite-member">Send invitation</button>
    </form>
    <section>
      <h2>Pending invitations</h2>
      <ul data-testid="pending-invitations">
        ${pending.length === 0 ? html`<li>None.</li>` : ""}
        ${pending.map(
          (invitation) => html`<li data-testid="pending-invitation">
            ${invitation.email} as ${invitation.role ?? "member"}
            <button type="button" data-testid="cancel-invitation" data-invitation-id="${invitation.id}">Cancel</button>
          </li>`,
        )}
      </ul>
    </section>`;
}

function receivedSection(received: OrganizationsProps["received"]): Html {
  return html`<section>
    <h2>Invitations for me</h2>
    ${received === null
      ? html`<p>Verify your email address to see the invitations sent to it (the links in invitation mails work without).</p>`
      : html`<ul data-testid="received-invitations">
          ${received.length === 0 ? html`<li>None.</li>` : ""}
          ${received.map(
            (invitation) => html`<li>
              <a href="/accept-invitation/${invitation.id}">${invitation.organizationName ?? "An organization"}</a> as ${invitation.role ?? "member"}
            </li>`,
          )}
        </ul>`}
  </section>`;
}
