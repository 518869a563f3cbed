/**
 * The frame every page shares: navigation, who is signed in, the notice of what just happened, a place
 * for errors, the stylesheet, and the inline script the page needs, carrying the response's CSP nonce.
 *
 * @module
 */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { FORM_SCRIPT } from "./scripts.js";
import { STYLESHEET_PATH } from "./style.js";

/** What hono/html's `html` returns. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * Messages for `?notice=...`: pages reload after an action and say what it did, so a browser test (and a
 * person) can see the outcome without timing anything.
 */
const NOTICES: Record<string, string> = {
  "signed-up": "Account created. The verification link is in the mail log (in development: the `[mail]` lines of `pnpm dev`).",
  "signed-out": "You have signed out.",
  "email-verified": "Email address verified.",
  "two-factor-on": "Two-factor authentication is on.",
  "two-factor-off": "Two-factor authentication is off.",
  "passkey-added": "Passkey added.",
  "session-revoked": "Session revoked.",
  "password-changed": "Password changed.",
  "organization-created": "Organization created.",
  "organization-switched": "Active organization switched.",
  "invitation-sent": "Invitation sent. The link is in the mail log.",
  "invitation-cancelled": "Invitation cancelled.",
  "invitation-accepted": "Invitation accepted.",
  "invitation-rejected": "Invitation rejected.",
};

/** What {@link layout} draws. */
export interface LayoutProps {
  title: string;
  /** The signed-in user, for the header; null when signed out. */
  user: { email: string } | null;
  /** The `notice` query parameter; unknown values are ignored. */
  notice?: string | undefined;
  /** An error to show at once, e.g. a form post the server refused. */
  error?: string | undefined;
  body: Html;
  /** Plain JavaScript run after the shared form helpers. */
  script?: string | undefined;
  /** This response's Content-Security-Policy nonce: the one inline script runs only with it (../security-headers.ts). */
  nonce: string;
}

/**
 * A whole HTML document.
 *
 * @example
 * ```ts
 * return c.html(layout({ title: "Sign in", user: null, body: html`<form>...</form>`, nonce: cspNonce(c) }));
 * ```
 */
export function layout(props: LayoutProps): Html {
  const notice = props.notice === undefined ? undefined : NOTICES[props.notice];
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${props.title} · auth-d1 example</title>
    <link rel="stylesheet" href="${STYLESHEET_PATH}" />
  </head>
  <body>
    <nav>
      <a href="/">Home</a><a href="/sign-up">Sign up</a><a href="/sign-in">Sign in</a><a href="/profile">Profile</a
      ><a href="/organizations">Organizations</a><a href="/api/auth/reference">API reference</a>
    </nav>
    <p data-testid="session-state">${props.user ? html`Signed in as <strong>${props.user.email}</strong>` : "Not signed in"}</p>
    <main>
      <h1>${props.title}</h1>
      ${notice ? html`<p role="status" data-testid="notice">${notice}</p>` : ""}
      <p role="alert" data-testid="error" ${props.error ? "" : "hidden"}>${props.error ?? ""}</p>
      ${props.body}
    </main>
    <script nonce="${props.nonce}">
      ${raw(FORM_SCRIPT)}
      ${raw(props.script ?? "")}
    </script>
  </body>
</html>`;
}

/**
 * A path on this Worker to go to after signing in, from `?next=`, or undefined. `next` is resolved against
 * `origin` (the page's own) with the URL parser browsers use, and kept only if it stays there: a tab,
 * newline or backslash (`/%09/evil.example`, `/\evil.example`) reads as `//evil.example` to a browser,
 * and reads so here too. The answer is the normalised path, which the browser resolves the same way.
 *
 * @example
 * ```ts
 * safeNext("/accept-invitation/abc", "https://auth.example.com"); // "/accept-invitation/abc"
 * safeNext("/\t/evil.example", "https://auth.example.com"); // undefined
 * ```
 */
export function safeNext(next: string | undefined, origin: string): string | undefined {
  if (next === undefined || next === "") return undefined;
  const url = URL.parse(next, origin);
  if (url === null || url.origin !== origin) return undefined;
  // `/.//evil.example` normalises to the path `//evil.example`, which leaves the origin when sent back as a path.
  if (url.pathname.startsWith("//")) return undefined;
  return url.pathname + url.search + url.hash;
}

/** A date as better-auth returns it (a Date, or a string once serialised), in ISO 8601 UTC. */
export function isoDate(value: Date | string): string {
  return new Date(value).toISOString();
}
