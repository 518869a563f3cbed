/**
 * The two factories under one name each, with a mail outbox, so every flow test runs on both.
 */
import { env } from "cloudflare:test";
import { createAuth as createDrizzleAuth } from "../../src/drizzle.js";
import { createAuth as createKyselyAuth } from "../../src/kysely.js";
import type { AuthEmail } from "../../src/mail.js";
import type { AuthD1Options } from "../../src/options.js";

export type AdapterName = "drizzle" | "kysely";

export interface AdapterUnderTest {
  name: AdapterName;
  createAuth: typeof createDrizzleAuth;
  outbox: AuthEmail[];
  options: AuthD1Options;
}

/** `createAuth` of either entry, under the drizzle entry's signature (the kysely one also refuses `schema`, which shared tests never pass). */
export type CreateAuth = typeof createDrizzleAuth;

/** Both entries' `createAuth`, by adapter name. */
export const factories: Record<AdapterName, CreateAuth> = { drizzle: createDrizzleAuth, kysely: createKyselyAuth as CreateAuth };

function withOutbox(name: AdapterName): AdapterUnderTest {
  const outbox: AuthEmail[] = [];
  // Defined once per adapter: createAuth memoizes per env and options object.
  const options: AuthD1Options = { sendEmail: (mail) => void outbox.push(mail) };
  return { name, createAuth: factories[name], outbox, options };
}

export const adapters: AdapterUnderTest[] = [withOutbox("drizzle"), withOutbox("kysely")];

/** One adapter with the given options (plugins and all) and a mail outbox wired into them. */
export interface ConfiguredAdapter<O extends AuthD1Options> {
  name: AdapterName;
  outbox: AuthEmail[];
  /** `createAuth(env, options)`, memoized like a Worker would call it on each request. */
  auth: () => ReturnType<typeof createDrizzleAuth<O>>;
}

/**
 * Both adapters with `options(sendEmail)`, for tests of presets, on the test env or on `workerEnv` (one with a
 * counting D1 binding, say). Call it at module scope: the options object is built once per adapter, as a
 * Worker would.
 *
 * @example
 * const both = adaptersWith((sendEmail) => ({ sendEmail, plugins: [presets.twoFactor()] }));
 * describe.each(both)("$name", ({ auth, outbox }) => { ... });
 */
export function adaptersWith<const O extends AuthD1Options>(options: (sendEmail: (mail: AuthEmail) => void) => O, workerEnv: Parameters<CreateAuth>[0] = env): ConfiguredAdapter<O>[] {
  return (["drizzle", "kysely"] as const).map((name) => {
    const outbox: AuthEmail[] = [];
    const built = options((mail) => void outbox.push(mail));
    const createAuth = factories[name] as typeof createDrizzleAuth;
    return { name, outbox, auth: () => createAuth(workerEnv, built) };
  });
}

/** The mail type whose `kind` can be K. */
type MailOf<K extends AuthEmail["kind"], M = AuthEmail> = M extends { kind: infer Kinds } ? (K extends Kinds ? M : never) : never;

/** The last mail of `kind` sent to `to`, or a failure naming what was sent instead. */
export function lastMailTo<K extends AuthEmail["kind"]>(outbox: AuthEmail[], to: string, kind: K): MailOf<K> {
  const mail = outbox.findLast((m): m is MailOf<K> => m.to === to && m.kind === kind);
  if (!mail) throw new Error(`no ${kind} mail to ${to}; sent: ${outbox.map((m) => `${m.kind}→${m.to}`).join(", ")}`);
  return mail;
}
