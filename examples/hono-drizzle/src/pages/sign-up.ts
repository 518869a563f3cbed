/**
 * `/sign-up`: a new account with an email address and a password.
 *
 * @module
 */
import { html } from "hono/html";
import { layout, type Html } from "./layout.js";

const SIGN_UP_SCRIPT = `
onSubmit("sign-up", async ({ name, email, password }, form) => {
  // The verification link leads back to the profile, which then says the address is verified.
  await api("/sign-up/email", { name, email, password, callbackURL: "/profile?notice=email-verified" });
  go(form.dataset.next || "/profile?notice=signed-up");
});
`;

/**
 * The sign-up form. better-auth signs the new user in at once and logs a verification link.
 *
 * @example
 * ```ts
 * return c.html(signUpPage({ user: null, next: "/organizations", nonce: cspNonce(c) }));
 * ```
 */
export function signUpPage(props: { user: { email: string } | null; next?: string | undefined; nonce: string }): Html {
  return layout({
    title: "Sign up",
    user: props.user,
    nonce: props.nonce,
    body: html`
      <form id="sign-up" data-next="${props.next ?? ""}">
        <label>Name <input name="name" autocomplete="name" required /></label>
        <label>Email <input name="email" type="email" autocomplete="email" required /></label>
        <label>Password <input name="password" type="password" autocomplete="new-password" minlength="8" required /></label>
        <button type="submit" data-testid="sign-up-submit">Create account</button>
      </form>
      <p>Have an account? <a href="/sign-in${props.next ? `?next=${encodeURIComponent(props.next)}` : ""}">Sign in</a>.</p>
    `,
    script: SIGN_UP_SCRIPT,
  });
}
