/**
 * `/sign-in/magic-link` and `/sign-in/email-code`: passwordless sign-in (presets.magicLink and
 * presets.emailOTP). No password hash runs, so these fit the Workers Free plan's CPU limit.
 *
 * @module
 */
import { html } from "hono/html";
import { layout, type Html } from "./layout.js";

interface PageProps {
  user: { email: string } | null;
  next?: string | undefined;
  /** This response's Content-Security-Policy nonce (../security-headers.ts). */
  nonce: string;
}

const MAGIC_LINK_SCRIPT = `
const form = document.getElementById("magic-link");
onSubmit("magic-link", async ({ email }) => {
  // The link leads to /api/auth/magic-link/verify, which signs in and comes back to callbackURL.
  await api("/sign-in/magic-link", { email, callbackURL: form.dataset.next || "/profile" });
  form.hidden = true;
  document.querySelector('[data-testid="magic-link-sent"]').hidden = false;
});
`;

/**
 * Asks for an address and mails it a sign-in link.
 *
 * @example
 * ```ts
 * return c.html(magicLinkPage({ user: null, next: "/profile", nonce: cspNonce(c) }));
 * ```
 */
export function magicLinkPage(props: PageProps): Html {
  return layout({
    title: "Sign in with a link",
    user: props.user,
    body: html`
      <form id="magic-link" data-next="${props.next ?? ""}">
        <label>Email <input name="email" type="email" autocomplete="email" required /></label>
        <button type="submit" data-testid="magic-link-submit">Mail me a sign-in link</button>
      </form>
      <p data-testid="magic-link-sent" role="status" hidden>Check your inbox: the link works once, for five minutes.</p>
      <p>Or <a href="/sign-in/email-code">sign in with a code</a>, or <a href="/sign-in">with a password</a>.</p>
    `,
    script: MAGIC_LINK_SCRIPT,
    nonce: props.nonce,
  });
}

const EMAIL_CODE_SCRIPT = `
const next = document.getElementById("email-code").dataset.next || "/profile";
let address = "";
onSubmit("email-code", async ({ email }) => {
  await api("/email-otp/send-verification-otp", { email, type: "sign-in" });
  address = email;
  document.getElementById("email-code").hidden = true;
  document.getElementById("code").hidden = false;
  document.querySelector('#code input[name="otp"]').focus();
});
onSubmit("code", async ({ otp }) => {
  await api("/sign-in/email-otp", { email: address, otp });
  go(next);
});
`;

/**
 * Asks for an address, mails it a six-digit code, then signs in with the code.
 *
 * @example
 * ```ts
 * return c.html(emailCodePage({ user: null, nonce: cspNonce(c) }));
 * ```
 */
export function emailCodePage(props: PageProps): Html {
  return layout({
    title: "Sign in with a code",
    user: props.user,
    body: html`
      <form id="email-code" data-next="${props.next ?? ""}">
        <label>Email <input name="email" type="email" autocomplete="email" required /></label>
        <button type="submit" data-testid="email-code-submit">Mail me a code</button>
      </form>
      <form id="code" hidden>
        <label>The code from the mail
          <input name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required />
        </label>
        <button type="submit" data-testid="code-submit">Sign in</button>
      </form>
      <p>Or <a href="/sign-in/magic-link">sign in with a link</a>, or <a href="/sign-in">with a password</a>.</p>
    `,
    script: EMAIL_CODE_SCRIPT,
    nonce: props.nonce,
  });
}
