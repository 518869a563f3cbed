/**
 * presets.jwt: `/token` and `/jwks`, with the key set cached in the isolate.
 *
 * @module
 */
import { symmetricDecrypt } from "better-auth/crypto";
import { jwt as jwtPlugin } from "better-auth/plugins/jwt";
import { preset } from "../preset.js";

type JwtOptions = NonNullable<Parameters<typeof jwtPlugin>[0]>;
type JwtAdapter = NonNullable<JwtOptions["adapter"]>;
type Jwk = NonNullable<Awaited<ReturnType<NonNullable<JwtAdapter["getJwks"]>>>>[number];

/** How long an isolate trusts its copy of the key set before reading D1 again. */
const JWKS_CACHE_MS = 60_000;

/**
 * better-auth's JWT plugin whose key set is read from D1 at most once a minute per isolate, instead of on
 * every `/jwks`, `/token` and verification, while it holds a key that has not expired. A key this isolate
 * creates (the first one, or one made by rotation) is cached at once; one made by another isolate is seen
 * within a minute, or at once when every cached key has expired (D1 is read again before minting, so
 * isolates rotate to the same new key). Old keys keep verifying through the plugin's grace period after
 * they expire. Your options win over ours.
 *
 * @example
 * ```ts
 * createAuth(env, { plugins: [presets.jwt({ jwks: { rotationInterval: 60 * 60 * 24 * 30 } })] });
 * ```
 */
export const jwt = ((options: JwtOptions = {}) =>
  preset(() =>
    jwtPlugin({
      ...options,
      adapter: options.adapter ?? cachedKeySet(options.jwks?.disablePrivateKeyEncryption === true),
    }),
  )) as typeof jwtPlugin;

function cachedKeySet(plainPrivateKeys: boolean): JwtAdapter {
  let keys: Jwk[] | undefined;
  let readAt = 0;
  // Requests that have read D1 already, so a request finding no live key reads once, not on every lookup.
  const readBy = new WeakSet<object>();
  return {
    async getJwks(ctx) {
      const stale = keys === undefined || Date.now() - readAt > JWKS_CACHE_MS;
      // With no live key cached the plugin is about to mint one; another isolate may have rotated already.
      if (stale || (!hasLiveKey(keys ?? []) && !readBy.has(ctx))) {
        const stored = await ctx.context.adapter.findMany<Jwk>({ model: "jwks" });
        keys = plainPrivateKeys ? stored : await Promise.all(stored.map((key) => retireIfUnreadable(key, ctx.context.secretConfig)));
        readAt = Date.now();
        readBy.add(ctx);
      }
      return keys;
    },
    async createJwk(data, ctx) {
      const created = await ctx.context.adapter.create<Omit<Jwk, "id">, Jwk>({ model: "jwks", data });
      keys = keys === undefined ? undefined : [...keys, created];
      return created;
    },
  };
}

/**
 * A key whose private half the current secret cannot decrypt (BETTER_AUTH_SECRET was replaced instead of
 * rotated through BETTER_AUTH_SECRETS) is treated as expired from now on: it stops signing, so the plugin
 * mints a new key instead of failing every request with 500, and it stays in `/jwks` through the grace
 * period, so the tokens it signed keep verifying.
 */
async function retireIfUnreadable(key: Jwk, secretConfig: Parameters<typeof symmetricDecrypt>[0]["key"]): Promise<Jwk> {
  const now = new Date();
  if (key.expiresAt && key.expiresAt <= now) return key;
  try {
    await symmetricDecrypt({ key: secretConfig, data: JSON.parse(key.privateKey) });
    return key;
  } catch {
    console.warn(
      `[auth-d1] presets.jwt: the current secret cannot decrypt JWT key ${key.id}, so it no longer signs and a new key takes over. To change the secret without this, rotate through BETTER_AUTH_SECRETS ("2:new,1:old").`,
    );
    return { ...key, expiresAt: now };
  }
}

/** Whether a key can still sign: better-auth's own test for the current key. */
function hasLiveKey(keys: Jwk[]): boolean {
  const now = Date.now();
  return keys.some((key) => !key.expiresAt || key.expiresAt.getTime() > now);
}
