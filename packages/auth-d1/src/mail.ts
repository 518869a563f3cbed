/**
 * The mail better-auth asks to send, in one typed shape for the `sendEmail` hook.
 *
 * @module
 */
import type { User } from "better-auth";

interface MailBase {
  to: string;
  subject: string;
  /** A plain-text body, ready to send. */
  text: string;
}

/**
 * A mail carrying a one-time link: verification, password reset, approval of an email change.
 *
 * @example
 * ```ts
 * const sendEmail = async (mail: AuthEmail) => {
 *   if (mail.kind === "verify-email") await mailer.send({ to: mail.to, subject: mail.subject, text: mail.text });
 * };
 * ```
 */
export interface LinkEmail extends MailBase {
  kind: "verify-email" | "reset-password" | "change-email";
  url: string;
  token: string;
  user: User;
}

/**
 * A second-factor code (presets.twoFactor).
 *
 * @example
 * ```ts
 * const sendEmail = async (mail: AuthEmail) => {
 *   if (mail.kind === "two-factor-otp") await mailer.send({ to: mail.to, subject: `Your code: ${mail.otp}`, text: mail.text });
 * };
 * ```
 */
export interface OTPEmail extends MailBase {
  kind: "two-factor-otp";
  otp: string;
  user: User;
}

/**
 * An invitation into an organization (presets.organization).
 *
 * @example
 * ```ts
 * const sendEmail = async (mail: AuthEmail) => {
 *   if (mail.kind === "organization-invitation") await mailer.send({ to: mail.to, subject: mail.subject, text: mail.text });
 * };
 * ```
 */
export interface InvitationEmail extends MailBase {
  kind: "organization-invitation";
  url: string;
  invitationId: string;
  organizationName: string;
  inviterEmail: string;
  role: string;
}

/**
 * Every mail `sendEmail` receives. Switch on `kind`; `subject` and `text` are ready to send as they are.
 *
 * @example
 * ```ts
 * const sendEmail = async (mail: AuthEmail) => {
 *   if (mail.kind === "two-factor-otp") console.log(`code for ${mail.to}: ${mail.otp}`);
 *   await fetch("https://mail.example.com/send", { method: "POST", body: JSON.stringify({ to: mail.to, subject: mail.subject, text: mail.text }) });
 * };
 * ```
 */
export type AuthEmail = LinkEmail | OTPEmail | InvitationEmail;

/** Why a mail is sent. */
export type AuthEmailKind = AuthEmail["kind"];

/** The hook users provide. */
export type SendEmail = (email: AuthEmail, request?: Request) => Promise<void> | void;

const LINK_SUBJECTS: Record<LinkEmail["kind"], string> = {
  "verify-email": "Verify your email address",
  "reset-password": "Reset your password",
  "change-email": "Approve the change of your email address",
};

/** Builds a link mail: the subject says why, the text carries the link. */
export function linkEmail(kind: LinkEmail["kind"], data: { user: User; url: string; token: string }): LinkEmail {
  const subject = LINK_SUBJECTS[kind];
  const text = `${subject}: open this link to continue.\n\n${data.url}\n\nIf you did not ask for this, ignore this mail.`;
  return { kind, to: data.user.email, subject, text, url: data.url, token: data.token, user: data.user };
}

/** Builds a second-factor code mail. */
export function otpEmail(data: { user: User; otp: string }): OTPEmail {
  const subject = "Your sign-in code";
  const text = `Your sign-in code is ${data.otp}. It expires in a few minutes.\n\nIf you are not signing in, change your password.`;
  return { kind: "two-factor-otp", to: data.user.email, subject, text, otp: data.otp, user: data.user };
}

/** Builds an invitation mail. */
export function invitationEmail(data: Omit<InvitationEmail, "kind" | "subject" | "text">): InvitationEmail {
  const subject = `Join ${data.organizationName}`;
  const text = `${data.inviterEmail} invited you to join ${data.organizationName} as ${data.role}.\n\n${data.url}`;
  return { kind: "organization-invitation", subject, text, ...data };
}
