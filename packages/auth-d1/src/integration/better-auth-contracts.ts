/**
 * Every private format and behaviour of better-auth this package leans on, in one place, each with a contract
 * test (./better-auth-contracts.test.ts) that names what changed when an upgrade breaks it. A feature needing
 * one of these calls the function here; none rebuilds the format itself.
 *
 * @module
 */
import { getCurrentDBAdapterAsyncLocalStorage } from "@better-auth/core/context";
import type { BetterAuthPlugin } from "better-auth";

/**
 * A plugin whose endpoints replace better-auth's own under the same keys, in the router and on `auth.api`:
 * better-auth spreads plugin endpoints after its own, so the plugin's win.
 *
 * @example
 * ```ts
 * replacingCoreEndpoints("auth-d1-request-units", { deleteUser: runAsUnit(deleteUser) });
 * ```
 */
export function replacingCoreEndpoints(id: string, endpoints: Record<string, unknown>): BetterAuthPlugin {
  return { id, endpoints: endpoints as BetterAuthPlugin["endpoints"] };
}

/** The adapter call the request is in, as better-auth's async-local store holds it. */
export interface AdapterScope {
  /** The transaction's adapter (or the request's, outside one). */
  adapter: Record<string, unknown> | undefined;
  /** A transaction (`runWithTransaction`) is open: writes on `adapter` are the transaction's. */
  transactionActive: boolean;
}

/**
 * What better-auth's adapter store holds for the current call: `{ adapter, isTransactionActive }`, a shape it
 * marks internal. Its public `getCurrentAdapter` gives the adapter but not whether a transaction is open, which
 * is what tells a call to join the transaction from one to run as it is.
 *
 * @example
 * ```ts
 * const { adapter, transactionActive } = await currentAdapterScope();
 * ```
 */
export async function currentAdapterScope(): Promise<AdapterScope> {
  const store = (await getCurrentDBAdapterAsyncLocalStorage()).getStore() as { adapter?: Record<string, unknown>; isTransactionActive?: boolean } | undefined;
  return { adapter: store?.adapter, transactionActive: store?.isTransactionActive === true };
}

/** The `storeToken` option of better-auth's magic-link plugin. */
export type MagicLinkTokenStorage = "plain" | "hashed" | { type: "custom-hasher"; hash: (token: string) => Promise<string> };

/**
 * The identifier of the verification row better-auth's magic-link plugin stores for `token`: `magic-link:`
 * and the token, hashed (SHA-256, base64url without padding) unless stored plain.
 *
 * @example
 * ```ts
 * await internalAdapter.deleteVerificationByIdentifier(await magicLinkIdentifier(token, "hashed"));
 * ```
 */
export async function magicLinkIdentifier(token: string, storeToken: MagicLinkTokenStorage): Promise<string> {
  if (storeToken === "plain") return `magic-link:${token}`;
  if (typeof storeToken === "object") return `magic-link:${await storeToken.hash(token)}`;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return `magic-link:${btoa(String.fromCharCode(...digest)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

/** The `before` hook of session creation, as better-auth calls it. */
export type SessionCreateBefore = (session: { userId: string }, ctx: { path?: string } | null | undefined) => Promise<unknown>;

/**
 * `plugin` with the session-creation `before` hook its `init` returns (in `options.databaseHooks`, where the
 * admin plugin checks a ban) replaced by `wrap(hook)`.
 *
 * @example
 * ```ts
 * withSessionCreateBefore(admin(), (before) => async (session, ctx) => (skip(ctx) ? undefined : before(session, ctx)));
 * ```
 */
export function withSessionCreateBefore<P extends BetterAuthPlugin>(plugin: P, wrap: (before: SessionCreateBefore) => SessionCreateBefore): P {
  const init = plugin.init;
  if (init === undefined) return plugin;
  return {
    ...plugin,
    init(context: Parameters<NonNullable<BetterAuthPlugin["init"]>>[0]) {
      const result = init(context) as { options: { databaseHooks: { session: { create: { before: SessionCreateBefore } } } } };
      const hooks = result.options.databaseHooks;
      const before = wrap(hooks.session.create.before);
      return { ...result, options: { ...result.options, databaseHooks: { ...hooks, session: { ...hooks.session, create: { ...hooks.session.create, before } } } } };
    },
  } as P;
}

/** better-auth's schema check, on its auth context: it throws `SCHEMA_MISMATCH` naming what the database lacks. */
export type SchemaCheck = (() => Promise<void> | undefined) & { source?: string };

/**
 * Replaces the schema check on better-auth's auth context (`checkSchema`, run before a request's first query)
 * by `wrap(check)`, keeping its `source` (`"drizzle"` or `"kysely"`). Nothing when the context has none.
 *
 * @example
 * ```ts
 * auth.$context.then((context) => wrapSchemaCheck(context, (check) => () => check()?.catch(withHint)));
 * ```
 */
export function wrapSchemaCheck(context: unknown, wrap: (check: SchemaCheck) => () => Promise<void> | undefined): void {
  const holder = context as { checkSchema?: SchemaCheck };
  const check = holder.checkSchema;
  if (check === undefined) return;
  holder.checkSchema = Object.assign(wrap(check), { source: check.source });
}
