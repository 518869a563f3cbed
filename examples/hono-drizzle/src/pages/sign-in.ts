/**
 * `/sign-in`: email and password, then a second factor when the user has one; or a passkey.
 *
 * @module
 */
import { html } from "hono/html";
import { layout, type Html } from "./layout.js";
import { WEBAUTHN_SCRIPT } from "./webauthn.js";

const SIGN_IN_SCRIPT = `
const next = document.getElementById("sign-in").dataset.next || "/profile";

onSubmit("sign-in", async ({ email, password }) => {
  const result = await api("/sign-in/email", { email, password });
  if (!result.twoFactorRedirect) return go(next);
  // No session yet: better-auth set a short-lived two-factor cookie and waits for a code.
  document.getElementById("sign-in").hidden = true;
  document.getElementById("second-factor").hidden = false;
  document.querySelector('#totp input[name="code"]').focus();
});

onSubmit("totp", async ({ code }) => {
  await api("/two-factor/verify-totp", { code });
  go(next);
});

onClick('[data-testid="use-backup-code"]', async () => {
  document.getElementById("totp").hidden = true;
  document.getElementById("backup-code").hidden = false;
  document.querySelector('#backup-code input[name="code"]').focus();
});

onSubmit("backup-code", async ({ code }) => {
  await api("/two-factor/verify-backup-code", { code });
  go(next);
});

onClick('[data-testid="passkey-sign-in"]', async () => {
  await signInWithPasskey();
  go(next);
});
`;

/**
 * The sign-in page. Its second step (an authenticator code, or a backup code) stays hidden until
 * `/sign-in/email` answers `{ twoFactorRedirect: true }`.
 *
 * @example
 * ```ts
 * return c.html(signInPage({ user: null, next: "/profile", nonce: cspNonce(c) }));
 * ```
 */
export function signInPage(props: { user: { email: string } | null; next?: string | undefined; notice?: string | undefined; nonce: string }): Html {
  return layout({
    title: "Sign in",
    user: props.user,
    notice: props.notice,
    nonce: props.nonce,
    body: html`
      <form id="sign-in" data-next="${props.next ?? ""}">
        <label>Email <input name="email" type="email" autocomplete="username webauthn" required /></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
        <button type="submit" data-testid="sign-in-submit">Sign in</button>
      </form>

      <section id="second-factor" data-testid="second-factor" hidden>
        <h2>Two-factor authentication</h2>
        <form id="totp">
          <label>Code from your authenticator app
            <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required />
          </label>
          <button type="submit" data-testid="totp-submit">Verify</button>
          <button type="button" data-testid="use-backup-code">Use a backup code</button>
        </form>
        <form id="backup-code" hidden>
          <label>Backup code <input name="code" autocomplete="off" required /></label>
          <button type="submit" data-testid="backup-code-submit">Verify backup code</button>
        </form>
      </section>

      <section>
        <h2>Passkey</h2>
        <button type="button" data-testid="passkey-sign-in">Sign in with a passkey</button>
      </section>
      <p>Without a password: <a href="/sign-in/magic-link">a link by mail</a> or <a href="/sign-in/email-code">a code by mail</a>.</p>
      <p>No account yet? <a href="/sign-up${props.next ? `?next=${encodeURIComponent(props.next)}` : ""}">Sign up</a>.</p>
    `,
    script: WEBAUTHN_SCRIPT + SIGN_IN_SCRIPT,
  });
}
