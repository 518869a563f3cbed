// Helpers every test shares, in any runtime (workerd, and Node for the browser journey): the test's origins and
// password, fresh addresses, cookies and mail links, text on a page, TOTP codes. Requests to the Worker under
// test are in worker.ts.
import { Secret, TOTP } from "otpauth";

/** BETTER_AUTH_URL in vitest.config.ts: the Worker's own origin. */
export const ORIGIN = "http://localhost:8787";
/** TRUSTED_ORIGINS in vitest.config.ts: a single-page app on another origin. */
export const SPA_ORIGIN = "http://localhost:5173";
/** Every test user's password. */
export const PASSWORD = "correct horse battery staple";

/** An address no other test uses. */
export function uniqueEmail(label = "user"): string {
  return `${label}-${crypto.randomUUID()}@example.com`;
}

/** The `name=value` part of the session cookie a response sets. */
export function sessionCookie(res: Response): string {
  const cookie = res.headers.getSetCookie().find((line) => line.startsWith("better-auth.session_token="));
  if (cookie === undefined) throw new Error(`no session cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  return cookie.split(";")[0]!;
}

/** Every cookie a response sets (not those it deletes), as a Cookie header: what a browser would send back. */
export function cookiesFrom(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

/** The link at the end of a logged `[mail] subject (to address): link` line. */
export function linkIn(mailLine: string | undefined): string {
  const link = mailLine?.split(": ").at(-1);
  if (link === undefined || !link.startsWith("http")) throw new Error(`no link in ${mailLine}`);
  return link;
}

/** The text inside the first element with this data-testid (tags stripped, whitespace collapsed). */
export function textOf(page: string, testId: string): string {
  const text = textsOf(page, testId)[0];
  if (text === undefined) throw new Error(`no data-testid="${testId}" in the page`);
  return text;
}

/** The text of every element with this data-testid. */
export function textsOf(page: string, testId: string): string[] {
  const texts: string[] = [];
  const attribute = `data-testid="${testId}"`;
  for (let at = page.indexOf(attribute); at !== -1; at = page.indexOf(attribute, at + 1)) {
    const tag = page.lastIndexOf("<", at);
    const name = /^<([a-z0-9]+)/.exec(page.slice(tag))![1]!;
    const inner = page.slice(page.indexOf(">", at) + 1, page.indexOf(`</${name}>`, at));
    texts.push(inner.replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim());
  }
  return texts;
}

/**
 * The current code for a base32 secret as the page shows it (spaces allowed), computed as an authenticator
 * app would (RFC 6238: SHA-1, 30 s, 6 digits) by otpauth, independently of better-auth.
 */
export function totp(base32Secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(base32Secret.replace(/\s/g, "")) }).generate();
}
