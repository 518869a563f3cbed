/**
 * `/profile`: the signed-in user, their sessions, two-factor authentication, passkeys, and signing out.
 *
 * @module
 */
import { html, raw } from "hono/html";
import { isoDate, layout, type Html } from "./layout.js";
import { WEBAUTHN_SCRIPT } from "./webauthn.js";

/** A two-factor set-up in progress: shown once, right after `POST /profile/two-factor`. */
export interface TwoFactorEnrolment {
  /** The base32 secret from the otpauth URI, for typing into an authenticator app. */
  secret: string;
  /** A QR code of the otpauth URI, as an SVG document. */
  qrSVG: string;
  backupCodes: string[];
}

/** What the profile page shows. */
export interface ProfileProps {
  user: { email: string; name: string; emailVerified: boolean; twoFactorEnabled?: boolean | null | undefined };
  /** The token of the session viewing the page, to mark it in the list. */
  currentToken: string;
  sessions: Array<{ token: string; userAgent?: string | null | undefined; ipAddress?: string | null | undefined; createdAt: Date | string }>;
  passkeys: Array<{ id: string; name?: string | null | undefined; createdAt: Date | string }>;
  enrolment?: TwoFactorEnrolment | undefined;
  notice?: string | undefined;
  error?: string | undefined;
  /** The response's CSP nonce, for the page's inline script. */
  nonce: string;
}

const PROFILE_SCRIPT = `
onClick('[data-testid="revoke-session"]', async (button) => {
  await api("/revoke-session", { token: button.dataset.token });
  go("/profile?notice=session-revoked");
});

onSubmit("verify-totp", async ({ code }) => {
  await api("/two-factor/verify-totp", { code });
  go("/profile?notice=two-factor-on");
});

onSubmit("disable-two-factor", async ({ password }) => {
  await api("/two-factor/disable", { password });
  go("/profile?notice=two-factor-off");
});

onSubmit("change-password", async ({ currentPassword, newPassword, revokeOtherSessions }) => {
  // Unchecked, the other devices stay signed in with the old password's sessions: better-auth's default.
  await api("/change-password", { currentPassword, newPassword, revokeOtherSessions: revokeOtherSessions === "on" });
  go("/profile?notice=password-changed");
});

onSubmit("add-passkey", async ({ name }) => {
  await registerPasskey(name);
  go("/profile?notice=passkey-added");
});

onClick('[data-testid="sign-out"]', async () => {
  await api("/sign-out", {});
  go("/sign-in?notice=signed-out");
});
`;

/**
 * The profile page; with `enrolment`, the second step of turning on two-factor authentication.
 *
 * @example
 * ```ts
 * return c.html(profilePage({ user, currentToken, sessions, passkeys, nonce: cspNonce(c) }));
 * ```
 */
export function profilePage(props: ProfileProps): Html {
  const { user } = props;
  return layout({
    title: "Profile",
    user,
    notice: props.notice,
    error: props.error,
    nonce: props.nonce,
    body: html`
      <section>
        <p data-testid="signed-in-as">Signed in as ${user.email}</p>
        <p>Name: <span data-testid="user-name">${user.name}</span></p>
        <p data-testid="email-verified">
          ${user.emailVerified ? "Email address verified." : "Email address not verified yet: open the link in the mail log."}
        </p>
        <button type="button" data-testid="sign-out">Sign out</button>
      </section>
      ${passwordSection()} ${twoFactorSection(props)} ${passkeySection(props)} ${sessionSection(props)}
    `,
    script: WEBAUTHN_SCRIPT + PROFILE_SCRIPT,
  });
}

function twoFactorSection({ user, enrolment }: ProfileProps): Html {
  if (user.twoFactorEnabled) {
    return html`<section>
      <h2>Two-factor authentication</h2>
      <p data-testid="two-factor-status">Two-factor authentication is on.</p>
      <form id="disable-two-factor">
        <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
        <button type="submit" data-testid="disable-two-factor">Turn off two-factor authentication</button>
      </form>
    </section>`;
  }
  if (enrolment) {
    return html`<section data-testid="two-factor-enrolment">
      <h2>Two-factor authentication</h2>
      <p data-testid="two-factor-status">Almost there: add this account to your authenticator app, then enter a code.</p>
      <div data-testid="totp-qr" role="img" aria-label="QR code for your authenticator app">${raw(enrolment.qrSVG)}</div>
      <p>Or type the secret: <code class="secret" data-testid="totp-secret">${enrolment.secret}</code></p>
      <p>Backup codes, each good for one sign-in. They are shown only now: keep them somewhere safe.</p>
      <ol data-testid="backup-codes">
        ${enrolment.backupCodes.map((code) => html`<li data-testid="backup-code"><code>${code}</code></li>
`)}
      </ol>
      <form id="verify-totp">
        <label>Code from your authenticator app
          <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required />
        </label>
        <button type="submit" data-testid="verify-totp">Verify and turn on</button>
      </form>
    </section>`;
  }
  // A plain form post: the server renders the QR code and the secret into the next page.
  return html`<section>
    <h2>Two-factor authentication</h2>
    <p data-testid="two-factor-status">Two-factor authentication is off.</p>
    <form id="enable-two-factor" method="post" action="/profile/two-factor">
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      <button type="submit" data-testid="enable-two-factor">Turn on two-factor authentication</button>
    </form>
  </section>`;
}

function passkeySection({ passkeys }: ProfileProps): Html {
  return html`<section>
    <h2>Passkeys</h2>
    <ul data-testid="passkeys">
      ${passkeys.length === 0 ? html`<li>No passkeys yet.</li>` : ""}
      ${passkeys.map((passkey) => html`<li data-testid="passkey">${passkey.name || "Unnamed passkey"}, added ${isoDate(passkey.createdAt)}</li>`)}
    </ul>
    <form id="add-passkey">
      <label>Passkey name (optional) <input name="name" autocomplete="off" /></label>
      <button type="submit" data-testid="add-passkey">Add a passkey</button>
    </form>
  </section>`;
}

/** Sessions on other devices survive a password change unless the box stays checked (docs/security.md). */
function passwordSection(): Html {
  return html`<section>
    <h2>Password</h2>
    <form id="change-password">
      <label>Current password <input name="currentPassword" type="password" autocomplete="current-password" required /></label>
      <label>New password <input name="newPassword" type="password" autocomplete="new-password" minlength="8" required /></label>
      <label><input name="revokeOtherSessions" type="checkbox" data-testid="revoke-other-sessions" checked /> Sign out my other devices</label>
      <button type="submit" data-testid="change-password-submit">Change password</button>
    </form>
  </section>`;
}

function sessionSection({ sessions, currentToken }: ProfileProps): Html {
  return html`<section>
    <h2>Sessions</h2>
    <table data-testid="sessions">
      <thead><tr><th>Device</th><th>IP address</th><th>Started</th><th></th></tr></thead>
      <tbody>
        ${sessions.map(
          (session) => html`<tr data-testid="session" data-current="${String(session.token === currentToken)}">
            <td>${session.userAgent || "Unknown device"}${session.token === currentToken ? " (this session)" : ""}</td>
            <td>${session.ipAddress || "unknown"}</td>
            <td>${isoDate(session.createdAt)}</td>
            <td><button type="button" data-testid="revoke-session" data-token="${session.token}">Revoke</button></td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
