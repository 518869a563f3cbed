/**
 * Where auth mail goes: the `sendEmail` option, else Cloudflare Email Service (a `send_email` binding),
 * else the log in local development; a deployed Worker with none of them refuses to start.
 *
 * @module
 */
import { defineRequestState, hasRequestState } from "@better-auth/core/context";
import type { BetterAuthPlugin } from "better-auth";
import { APIError } from "better-auth/api";
import { AuthD1Error } from "./errors.js";
import type { AuthEmail, AuthEmailDraft, AuthEmailKind, SendEmail } from "./mail.js";
import { defaultEmailTemplates, oneLine, type EmailTemplate, type EmailTemplates, type MailApp } from "./mail-templates.js";
import { policyFor } from "./integration/endpoint-policy.js";

/**
 * The part of a `send_email` binding (Cloudflare Email Service) this package uses. A `SendEmail` from
 * `wrangler types` fits it.
 *
 * @example
 * ```ts
 * // wrangler.jsonc: "send_email": [{ "name": "EMAIL" }]
 * const binding: SendEmailBinding = env.EMAIL;
 * await binding.send({ to: "ada@example.com", from: "auth@acme.com", subject: "Hi", html: "<p>Hi</p>", text: "Hi" });
 * ```
 */
export interface SendEmailBinding {
  /** Sends one message; rejects when the service refuses it (an unverified sender, a blocked recipient). */
  send(message: { to: string; from: string; subject: string; html: string; text: string }): Promise<unknown>;
}

/** What env says about mail: the binding (when there is one) and the sender address. */
export interface MailEnv {
  binding: SendEmailBinding | undefined;
  bindingName: string;
  from: string | undefined;
}

/** Sends one auth mail: renders its template, checks its link, delivers it. */
export type Mailer = (draft: AuthEmailDraft, request?: Request) => Promise<void>;

/** Reads the `send_email` binding (`EMAIL`, or `emailBinding`) and `AUTH_EMAIL_FROM` from env. */
export function readMailEnv(vars: Record<string, unknown>, bindingName = "EMAIL"): MailEnv {
  const value = vars[bindingName];
  const rawFrom = vars.AUTH_EMAIL_FROM;
  const from = typeof rawFrom === "string" && rawFrom.trim() !== "" ? rawFrom.trim() : undefined;
  if (value === undefined || value === null) return { binding: undefined, bindingName, from };
  if (typeof value !== "object" || typeof (value as { send?: unknown }).send !== "function") {
    throw new AuthD1Error(
      "EMAIL_BINDING_INVALID",
      `env.${bindingName} is not a send_email binding. Declare it in wrangler.jsonc as "send_email": [{ "name": "${bindingName}" }], or name yours with { emailBinding: "NAME" }.`,
    );
  }
  return { binding: value as SendEmailBinding, bindingName, from };
}

/** Whether BETTER_AUTH_URL names this machine: only then may mail go to the log. */
export function isLocalURL(baseURL: string | undefined): boolean {
  if (baseURL === undefined) return false;
  const host = new URL(baseURL).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host.endsWith(".localhost");
}

/** What {@link createMailer} needs. */
export interface MailerConfig {
  sendEmail: SendEmail | undefined;
  mail: MailEnv;
  baseURL: string | undefined;
  appName: string | undefined;
  templates: EmailTemplates | undefined;
}

/**
 * The mailer `createAuth` hands to better-auth and the presets, or `undefined` when nothing can deliver
 * (a deployed Worker with neither `sendEmail` nor a binding).
 */
export function createMailer(config: MailerConfig): Mailer | undefined {
  const transport = pickTransport(config);
  if (!transport) return undefined;
  const origin = config.baseURL && new URL(config.baseURL).origin;
  const send: Mailer = async (draft, request) => {
    const url = origin ?? (request ? new URL(request.url).origin : undefined);
    const app: MailApp = { name: config.appName ?? (url ? new URL(url).host : "your account"), url: url ?? "" };
    assertOwnOrigin(draft, app.url);
    const template = (config.templates?.[draft.kind] ?? defaultEmailTemplates[draft.kind]) as EmailTemplate<AuthEmailKind>;
    const rendered = template(draft, app);
    const mail = { ...draft, subject: oneLine(rendered.subject), text: rendered.text, html: rendered.html } as AuthEmail;
    try {
      await transport(mail, request);
    } catch (cause) {
      if (cause instanceof APIError) throw cause;
      console.error(`[auth-d1] the ${mail.kind} mail to ${mail.to} could not be sent:`, cause);
      throw new APIError("BAD_GATEWAY", { code: "EMAIL_SEND_FAILED", message: "The mail could not be sent. Try again in a moment." });
    }
  };
  return async (draft, request) => {
    try {
      await send(draft, request);
    } catch (error) {
      // better-auth swallows what some senders throw (it sends "in the background"): the request keeps it.
      if (await hasRequestState()) (await failedMail.get()).error = error;
      throw error;
    }
  };
}

/** Why the request's last mail could not be sent (a template's or a link's error too), for the endpoints that answer with it. */
const failedMail = defineRequestState<{ error?: unknown }>(() => ({}));

/**
 * Whether `endpoint` answers its failed mail instead of success: after a failed mail the request has nothing to
 * give (the inviter would believe the invitation left, the user would wait for a code that never comes).
 * better-auth answers 200 there (it swallows the sender's error); these answer the mail's error instead (502
 * `EMAIL_SEND_FAILED`). Each also runs as one unit of work, so the invitation or the code written before the
 * mail is discarded with it. Which ones: `mail: "throws-when-unsent"` in src/integration/endpoint-policy.ts.
 */
function throwsWhenUnsent(endpoint: unknown): boolean {
  return policyFor(pathOf(endpoint)).mail === "throws-when-unsent";
}

/**
 * `plugins` with each endpoint that {@link throwsWhenUnsent} throwing the error of a mail it could not send,
 * after the endpoint has run (better-auth having swallowed it).
 *
 * @example
 * ```ts
 * betterAuth({ database, plugins: withRequestUnits(reportingMailFailures([organization()])) });
 * ```
 */
export function reportingMailFailures(plugins: readonly BetterAuthPlugin[]): BetterAuthPlugin[] {
  return plugins.map((plugin) => {
    if (!plugin.endpoints || !Object.values(plugin.endpoints).some(throwsWhenUnsent)) return plugin;
    const endpoints = Object.fromEntries(Object.entries(plugin.endpoints).map(([key, endpoint]) => [key, throwsWhenUnsent(endpoint) ? reporting(endpoint) : endpoint]));
    return { ...plugin, endpoints } as BetterAuthPlugin;
  });
}

function pathOf(endpoint: unknown): string {
  return (endpoint as { path?: string } | undefined)?.path ?? "";
}

function reporting<E>(endpoint: E): E {
  const run = endpoint as unknown as (input: unknown) => Promise<unknown>;
  const wrapped = async (input: unknown) => {
    const state = (await hasRequestState()) ? await failedMail.get() : undefined;
    if (state) state.error = undefined;
    const result = await run(input);
    if (state?.error !== undefined) throw state.error;
    return result;
  };
  // better-call reads the path, the options and the rest from the endpoint's own properties.
  return Object.assign(wrapped, endpoint) as unknown as E;
}

function pickTransport({ sendEmail, mail, baseURL }: MailerConfig): SendEmail | undefined {
  if (sendEmail) return sendEmail;
  const { binding, from } = mail;
  if (binding) {
    if (from === undefined || !/^[^\s@<>]+@[^\s@<>]+$/.test(from)) {
      throw new AuthD1Error(
        "EMAIL_FROM_MISSING",
        `env.${mail.bindingName} is a send_email binding but AUTH_EMAIL_FROM ${from === undefined ? "is not set" : `is "${from}", not an address`}. Set it to an address on your sending domain, e.g. "vars": { "AUTH_EMAIL_FROM": "auth@example.com" } in wrangler.jsonc.`,
      );
    }
    return async (m) => void (await binding.send({ to: m.to, from, subject: m.subject, html: m.html, text: m.text }));
  }
  if (isLocalURL(baseURL)) {
    return (m) => console.log(`[auth-d1] ${m.kind} mail to ${m.to} (not sent: no send_email binding in development): ${m.subject}\n${secretOf(m)}\n`);
  }
  return undefined;
}

/** The line the reader acts on: the link or the code. */
function secretOf(mail: AuthEmail): string {
  return "url" in mail ? mail.url : mail.otp;
}

/** Mail links lead only to the Worker itself: a link elsewhere would be a phishing vector. */
function assertOwnOrigin(draft: AuthEmailDraft, origin: string): void {
  if (!("url" in draft) || origin === "") return;
  if (URL.canParse(draft.url) && new URL(draft.url).origin === origin) return;
  throw new Error(`[auth-d1] refusing to mail a ${draft.kind} link to ${draft.url}: mail links must lead to ${origin} (BETTER_AUTH_URL).`);
}

/** Plugins that cannot work without mail. */
const MAIL_ONLY_PLUGINS: Record<string, string> = { "magic-link": "presets.magicLink", "email-otp": "presets.emailOTP" };

/**
 * A deployed Worker with no way to deliver mail refuses to start when a configured flow depends on mail,
 * rather than dropping the mail when the first user needs it.
 */
export function assertMailDelivery(bindingName: string, config: { pluginIds: string[]; requireEmailVerification: boolean }): void {
  const needs = config.pluginIds.filter((id) => id in MAIL_ONLY_PLUGINS).map((id) => MAIL_ONLY_PLUGINS[id]!);
  if (config.requireEmailVerification) needs.push("emailAndPassword.requireEmailVerification");
  if (needs.length === 0) return;
  throw new AuthD1Error(
    "EMAIL_NOT_CONFIGURED",
    `${needs.join(" and ")} need${needs.length === 1 ? "s" : ""} mail, and nothing can deliver it: add a send_email binding ("send_email": [{ "name": "${bindingName}" }] in wrangler.jsonc) with AUTH_EMAIL_FROM, or pass sendEmail. Mail only goes to the log when BETTER_AUTH_URL is a localhost URL.`,
  );
}
