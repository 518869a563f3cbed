/**
 * Mail through the real local `send_email` binding, recorded on the way so a test can read the link or code.
 */
import { env } from "cloudflare:test";
import type { SendEmailBinding } from "../../src/mail-delivery.js";

/** The sender every test env uses. */
export const MAIL_FROM = "auth@example.com";

/** A message as the binding received it. */
export type SentMail = Parameters<SendEmailBinding["send"]>[0];

/** A binding that records each message and then hands it to the real one (which may refuse it). */
export interface RecordingBinding extends SendEmailBinding {
  sent: SentMail[];
}

export function recordingBinding(binding: SendEmailBinding = env.TEST_EMAIL): RecordingBinding {
  const sent: SentMail[] = [];
  return {
    sent,
    async send(message) {
      const result = await binding.send(message);
      sent.push(message);
      return result;
    },
  };
}

/** A Worker env whose `EMAIL` is a recorder around the real binding, with `AUTH_EMAIL_FROM` set. */
export function envWithMail(binding: SendEmailBinding = env.TEST_EMAIL): typeof env & { EMAIL: RecordingBinding; AUTH_EMAIL_FROM: string } {
  return { ...env, EMAIL: recordingBinding(binding), AUTH_EMAIL_FROM: MAIL_FROM };
}

/** The last message sent to `to`, or a failure naming what was sent instead. */
export function lastSentTo(binding: RecordingBinding, to: string): SentMail {
  const mail = binding.sent.findLast((m) => m.to === to);
  if (!mail) throw new Error(`no mail to ${to}; sent to: ${binding.sent.map((m) => m.to).join(", ")}`);
  return mail;
}

/** The link in a mail's text (on its own line), or the code. */
export function linkIn(mail: SentMail): string {
  const line = mail.text.split("\n").find((l) => /^https?:\/\//.test(l));
  if (!line) throw new Error(`no link in: ${mail.text}`);
  return line;
}

export function codeIn(mail: SentMail): string {
  const line = mail.text.split("\n").find((l) => /^\d{4,10}$/.test(l));
  if (!line) throw new Error(`no code in: ${mail.text}`);
  return line;
}
