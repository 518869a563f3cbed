/**
 * The mail better-auth asks to send, in one typed shape for the `sendEmail` hook and the templates.
 *
 * @module
 */
import type { User } from "better-auth";

interface MailBase {
  to: string;
  /** One line, ready to send. */
  subject: string;
  /** A plain-text body, ready to send. */
  text: string;
  /** The HTML twin of `text`: every interpolated value escaped. */
  html: string;
}

/**
 * A mail carrying a one-time link: verification, password reset, approval of an email change.
 *
 * @example
 * ```ts
 * const sendEmail = async (mail: AuthEmail) => {
 *   if (mail.kind === "verify-email") await mailer.send({ to: mail.to, subject: mail.subject, html: mail.html, text: mail.text });
 * };
 * ```
 */
export interface LinkEmail extends MailBase {
  kind: "verify-email" | "reset-password" | "change-email";
  url: string;
  token: string;
  user: User;
  /** The address asked for, on a `change-email` mail (which goes to the current address). */
  newEmail?: string;
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
 * A sign-in link (presets.magicLink). The address may not belong to a user yet: opening the link signs up.
 *
 * @example
 * ```ts
 * const sendEmail = async (mail: AuthEmail) => {
 *   if (mail.kind === "magic-link") console.log(`sign-in link for ${mail.to}: ${mail.url}`);
 * };
 * ```
 */
export interface MagicLinkEmail extends MailBase {
  kind: "magic-link";
  url: string;
  token: string;
}

/**
 * A one-time code (presets.emailOTP): `purpose` says what it proves.
 *
 * @example
 * ```ts
 * const sendEmail = async (mail: AuthEmail) => {
 *   if (mail.kind === "email-otp" && mail.purpose === "sign-in") console.log(`code for ${mail.to}: ${mail.otp}`);
 * };
 * ```
 */
export interface EmailOTPEmail extends MailBase {
  kind: "email-otp";
  otp: string;
  purpose: "sign-in" | "email-verification" | "forget-password" | "change-email";
}

/**
 * Every mail `sendEmail` receives. Switch on `kind`; `subject`, `text` and `html` are ready to send as they are.
 *
 * @example
 * ```ts
 * const sendEmail = async (mail: AuthEmail) => {
 *   if (mail.kind === "two-factor-otp") console.log(`code for ${mail.to}: ${mail.otp}`);
 *   await fetch("https://mail.example.com/send", { method: "POST", body: JSON.stringify({ to: mail.to, subject: mail.subject, html: mail.html, text: mail.text }) });
 * };
 * ```
 */
export type AuthEmail = LinkEmail | OTPEmail | InvitationEmail | MagicLinkEmail | EmailOTPEmail;

/** Why a mail is sent. */
export type AuthEmailKind = AuthEmail["kind"];

/** The mail of one kind. */
export type AuthEmailOf<K extends AuthEmailKind> = MailOf<K, AuthEmail>;

/** Distributes over the mails: a mail whose `kind` union holds K (LinkEmail holds three kinds). */
type MailOf<K, M> = M extends { kind: infer Kinds } ? ([K] extends [Kinds] ? M : never) : never;

/** A mail before its template has run: what it is about, without subject and bodies. */
export type AuthEmailDraft<K extends AuthEmailKind = AuthEmailKind> = K extends AuthEmailKind ? Omit<AuthEmailOf<K>, "subject" | "text" | "html"> : never;

/** The hook users provide. */
export type SendEmail = (email: AuthEmail, request?: Request) => Promise<void> | void;

/** Builds the draft of a link mail (verification, reset, change of email). */
export function linkEmail(kind: LinkEmail["kind"], data: { user: User; url: string; token: string; newEmail?: string }): AuthEmailDraft<LinkEmail["kind"]> {
  return { kind, to: data.user.email, url: data.url, token: data.token, user: data.user, ...(data.newEmail === undefined ? {} : { newEmail: data.newEmail }) };
}

/** Builds the draft of a second-factor code mail. */
export function otpEmail(data: { user: User; otp: string }): AuthEmailDraft<"two-factor-otp"> {
  return { kind: "two-factor-otp", to: data.user.email, otp: data.otp, user: data.user };
}

/** Builds the draft of an invitation mail. */
export function invitationEmail(data: Omit<AuthEmailDraft<"organization-invitation">, "kind">): AuthEmailDraft<"organization-invitation"> {
  return { kind: "organization-invitation", ...data };
}
