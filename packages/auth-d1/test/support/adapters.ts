/**
 * The two factories under one name each, with a mail outbox, so every flow test runs on both.
 */
import { createAuth as createDrizzleAuth } from "../../src/drizzle.js";
import { createAuth as createKyselyAuth } from "../../src/kysely.js";
import type { AuthEmail } from "../../src/mail.js";
import type { AuthD1Options } from "../../src/options.js";

export interface AdapterUnderTest {
  name: "drizzle" | "kysely";
  createAuth: typeof createDrizzleAuth;
  outbox: AuthEmail[];
  options: AuthD1Options;
}

function withOutbox(name: AdapterUnderTest["name"], createAuth: typeof createDrizzleAuth): AdapterUnderTest {
  const outbox: AuthEmail[] = [];
  // Defined once per adapter: createAuth memoizes per env and options object.
  const options: AuthD1Options = { sendEmail: (mail) => void outbox.push(mail) };
  return { name, createAuth, outbox, options };
}

export const adapters: AdapterUnderTest[] = [withOutbox("drizzle", createDrizzleAuth), withOutbox("kysely", createKyselyAuth)];

/** The last mail sent to `to`, or a failure naming what was sent instead. */
/** The mail type whose `kind` can be K. */
type MailOf<K extends AuthEmail["kind"], M = AuthEmail> = M extends { kind: infer Kinds } ? (K extends Kinds ? M : never) : never;

export function lastMailTo<K extends AuthEmail["kind"]>(outbox: AuthEmail[], to: string, kind: K): MailOf<K> {
  const mail = outbox.findLast((m): m is MailOf<K> => m.to === to && m.kind === kind);
  if (!mail) throw new Error(`no ${kind} mail to ${to}; sent: ${outbox.map((m) => `${m.kind}→${m.to}`).join(", ")}`);
  return mail;
}
