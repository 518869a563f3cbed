/**
 * `/`: where everything is.
 *
 * @module
 */
import { html } from "hono/html";
import { layout, type Html } from "./layout.js";

/**
 * The start page: links to every page and to the JSON endpoints worth trying.
 *
 * @example
 * ```ts
 * return c.html(homePage({ user: session?.user ?? null, nonce: cspNonce(c) }));
 * ```
 */
export function homePage(props: {
  user: { email: string } | null;
  notice?: string | undefined;
  /** In local development, the localhost origin the pages live on (see ../loopback.ts). */
  localOrigin?: string | undefined;
  /** The response's CSP nonce, for the page's inline script. */
  nonce: string;
}): Html {
  return layout({
    title: "auth-d1 example",
    user: props.user,
    notice: props.notice,
    nonce: props.nonce,
    body: html`
      <p>A Cloudflare Worker with better-auth on D1 through <code>@acme/auth-d1</code>, with every preset on.</p>
      <ul data-testid="links">
        <li><a href="/sign-up">Sign up</a> with an email address and a password</li>
        <li><a href="/sign-in">Sign in</a>, with a second factor when it is on, or with a passkey</li>
        <li><a href="/profile">Profile</a>: your sessions, two-factor authentication, passkeys</li>
        <li><a href="/organizations">Organizations</a>: create, switch, invite</li>
        <li><a href="/api/auth/reference">API reference</a> of every endpoint under <code>/api/auth</code></li>
        <li><a href="/api/me"><code>GET /api/me</code></a>: a JSON route that needs a session</li>
        <li><a href="/api/auth/jwks"><code>GET /api/auth/jwks</code></a>: the public keys of the JWTs from <code>/api/auth/token</code></li>
      </ul>
      <p>No mail is sent: verification links, invitations and codes are printed in the Worker's log, on lines that start with <code>[mail]</code>.</p>
      ${props.localOrigin ? html`<p data-testid="local-origin">
        In development the pages live on <code>${props.localOrigin}</code>: browsers allow passkeys on
        <code>localhost</code> but not on an IP address, so a page opened on <code>127.0.0.1</code> (the address in
        wrangler's banner) comes here instead.
      </p>` : ""}
    `,
  });
}
