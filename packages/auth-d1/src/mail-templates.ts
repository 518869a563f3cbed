/**
 * The default mail templates: small accessible HTML with a plain-text twin, one per kind, each overridable.
 *
 * @module
 */
import type { AuthEmailDraft, AuthEmailKind } from "./mail.js";

/**
 * Who is sending: the app name (`appName`) and the Worker's own origin (`BETTER_AUTH_URL`, else the request's).
 *
 * @example
 * ```ts
 * const app: MailApp = { name: "Acme", url: "https://auth.acme.com" };
 * ```
 */
export interface MailApp {
  name: string;
  url: string;
}

/**
 * What a template returns. `subject` is cut to one line; `html` must escape what it interpolates
 * ({@link escapeHTML}).
 *
 * @example
 * ```ts
 * const rendered: RenderedEmail = { subject: "Hi", text: "Hello", html: "<p>Hello</p>" };
 * ```
 */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Renders one kind of mail. */
export type EmailTemplate<K extends AuthEmailKind> = (mail: AuthEmailDraft<K>, app: MailApp) => RenderedEmail;

/**
 * Templates by kind, for the `emailTemplates` option: a kind left out keeps the default.
 *
 * @example
 * ```ts
 * const emailTemplates: EmailTemplates = {
 *   "magic-link": (mail, app) => ({
 *     subject: `Sign in to ${app.name}`,
 *     text: `Sign in: ${mail.url}`,
 *     html: `<p><a href="${escapeHTML(mail.url)}">Sign in to ${escapeHTML(app.name)}</a></p>`,
 *   }),
 * };
 * ```
 */
export type EmailTemplates = { [K in AuthEmailKind]?: EmailTemplate<K> };

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escapes text for HTML content and quoted attributes.
 *
 * @example
 * ```ts
 * escapeHTML('<script>alert("hi")</script>'); // "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;"
 * ```
 */
export function escapeHTML(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

interface Layout {
  subject: string;
  /** Plain sentences; escaped for the HTML. */
  intro: string;
  action?: { label: string; url: string };
  code?: string;
  outro: string;
}

/** One layout for every kind: the link or the code stands on a line of its own in the text. */
function layout(app: MailApp, { subject, intro, action, code, outro }: Layout): RenderedEmail {
  const e = escapeHTML;
  const text = [intro, action?.url ?? code, outro, `${app.name} · ${app.url}`].filter((line) => line !== undefined).join("\n\n");
  const muted = "font-size:14px;line-height:1.5;color:#4a4a4a";
  const html = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(subject)}</title></head>`,
    `<body style="margin:0;padding:24px;background:#f4f4f5;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#18181b">`,
    `<main style="max-width:480px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px">`,
    `<h1 style="margin:0 0 16px;font-size:20px">${e(subject)}</h1>`,
    `<p style="font-size:16px;line-height:1.5">${e(intro)}</p>`,
    action
      ? `<p><a href="${e(action.url)}" style="display:inline-block;padding:12px 20px;background:#18181b;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:600">${e(action.label)}</a></p>` +
        `<p style="${muted}">Or paste this link into your browser:<br><span style="word-break:break-all">${e(action.url)}</span></p>`
      : "",
    code ? `<p style="font-size:32px;font-weight:700;letter-spacing:6px;font-family:ui-monospace,monospace">${e(code)}</p>` : "",
    `<p style="${muted}">${e(outro)}</p>`,
    `<p style="${muted}"><a href="${e(app.url)}" style="color:#4a4a4a">${e(app.name)}</a></p>`,
    `</main></body></html>`,
  ].join("");
  return { subject: oneLine(subject), text, html };
}

/** Subjects are headers: no line breaks, and short enough for an inbox. */
export function oneLine(value: string): string {
  return value.replace(/[\r\n\t\u0000-\u001f\u007f]+/g, " ").trim().slice(0, 200);
}

const IGNORE = "If you did not ask for this, you can ignore this mail.";

const OTP_PURPOSE: Record<AuthEmailDraft<"email-otp">["purpose"], string> = {
  "sign-in": "sign in",
  "email-verification": "verify your email address",
  "forget-password": "reset your password",
  "change-email": "change your email address",
};

/**
 * The templates used for kinds the `emailTemplates` option leaves out.
 *
 * @example
 * ```ts
 * const { subject, text } = defaultEmailTemplates["email-otp"]({ kind: "email-otp", to: "ada@example.com", otp: "123456", purpose: "sign-in" }, { name: "Acme", url: "https://acme.com" });
 * ```
 */
export const defaultEmailTemplates: { [K in AuthEmailKind]: EmailTemplate<K> } = {
  "verify-email": (mail, app) =>
    layout(app, { subject: "Verify your email address", intro: "Open this link to confirm this address is yours.", action: { label: "Verify email", url: mail.url }, outro: IGNORE }),
  "reset-password": (mail, app) =>
    layout(app, { subject: "Reset your password", intro: "Open this link to choose a new password. It works once, for a short time.", action: { label: "Reset password", url: mail.url }, outro: `${IGNORE} Your password stays as it is.` }),
  "change-email": (mail, app) =>
    layout(app, {
      subject: "Approve the change of your email address",
      intro: mail.newEmail ? `Someone asked to change your email address to ${mail.newEmail}. Open this link to approve it.` : "Open this link to approve the change of your email address.",
      action: { label: "Approve the change", url: mail.url },
      outro: `${IGNORE} Your address stays as it is.`,
    }),
  "two-factor-otp": (mail, app) =>
    layout(app, { subject: "Your sign-in code", intro: "Enter this code to finish signing in. It expires in a few minutes.", code: mail.otp, outro: "If you are not signing in, change your password." }),
  "organization-invitation": (mail, app) =>
    layout(app, {
      subject: `Join ${mail.organizationName}`,
      intro: `${mail.inviterEmail} invited you to join ${mail.organizationName} as ${mail.role}.`,
      action: { label: "See the invitation", url: mail.url },
      outro: "If you do not know this organization, you can ignore this mail.",
    }),
  "magic-link": (mail, app) =>
    layout(app, { subject: `Sign in to ${app.name}`, intro: "Open this link to sign in. It works once, for a few minutes.", action: { label: "Sign in", url: mail.url }, outro: IGNORE }),
  "email-otp": (mail, app) =>
    layout(app, { subject: `Your ${app.name} code`, intro: `Enter this code to ${OTP_PURPOSE[mail.purpose]}. It works once and expires in a few minutes.`, code: mail.otp, outro: IGNORE }),
};
