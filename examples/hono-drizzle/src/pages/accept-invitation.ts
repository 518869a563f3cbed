/**
 * `/accept-invitation/:id`: the link presets.organization mails. The signed-in user accepts or rejects.
 *
 * @module
 */
import { html } from "hono/html";
import { layout, type Html } from "./layout.js";

/** What the invitation page shows. */
export interface AcceptInvitationProps {
  user: { email: string } | null;
  invitationId: string;
  /** The invitation, when the signed-in user is its recipient and it is still pending. */
  invitation?: { organizationName: string; inviterEmail: string; role: string | null } | undefined;
  /** Why the invitation cannot be shown (better-auth's message), when it cannot. */
  error?: string | undefined;
  /** The response's CSP nonce, for the page's inline script. */
  nonce: string;
}

const ACCEPT_SCRIPT = `
const invitationId = document.getElementById("invitation").dataset.invitationId;

onClick('[data-testid="accept-invitation"]', async () => {
  await api("/organization/accept-invitation", { invitationId });
  go("/organizations?notice=invitation-accepted");
});

onClick('[data-testid="reject-invitation"]', async () => {
  await api("/organization/reject-invitation", { invitationId });
  go("/organizations?notice=invitation-rejected");
});
`;

/**
 * The invitation page: who invites whom to what, with accept and reject buttons; or a way to sign in first.
 *
 * @example
 * ```ts
 * return c.html(acceptInvitationPage({ user, invitationId, invitation, nonce: cspNonce(c) }));
 * ```
 */
export function acceptInvitationPage(props: AcceptInvitationProps): Html {
  const next = encodeURIComponent(`/accept-invitation/${props.invitationId}`);
  const { invitation } = props;
  return layout({
    title: "Invitation",
    user: props.user,
    error: props.error,
    nonce: props.nonce,
    body: html`
      <section id="invitation" data-invitation-id="${props.invitationId}">
        ${props.user === null
          ? html`<p data-testid="invitation-sign-in">
              Sign in with the address the invitation was sent to, then come back here:
              <a href="/sign-in?next=${next}">sign in</a> or <a href="/sign-up?next=${next}">create an account</a>.
            </p>`
          : ""}
        ${invitation
          ? html`<p data-testid="invitation-summary">
                ${invitation.inviterEmail} invites you to join <strong>${invitation.organizationName}</strong> as
                ${invitation.role ?? "member"}.
              </p>
              <button type="button" data-testid="accept-invitation">Accept invitation</button>
              <button type="button" data-testid="reject-invitation">Reject</button>`
          : ""}
      </section>
    `,
    script: ACCEPT_SCRIPT,
  });
}
