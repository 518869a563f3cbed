/**
 * presets.jwt: `/token` and `/jwks`, with the key set cached in the isolate.
 *
 * @module
 */
import { jwt as jwtPlugin } from "better-auth/plugins/jwt";
import { preset } from "./configure.js";

type JwtOptions = NonNullable<Parameters<typeof jwtPlugin>[0]>;
type JwtAdapter = NonNullable<JwtOptions["adapter"]>;
type Jwk = NonNullable<Awaited<ReturnType<NonNullable<JwtAdapter["getJwks"]>>>>[number];

/** How long an isolate trusts its copy of the key set before reading D1 again. */
const JWKS_CACHE_MS = 60_000;

/**
 * better-auth's JWT plugin whose key set is read from D1 at most once a minute per isolate, instead of on
 * every `/jwks`, `/token` and verification. A key this isolate creates (the first one, or one made by
 * rotation) is cached at once; one made by another isolate is seen within a minute. Old keys keep
 * verifying through the plugin's grace period after they expire. Your options win over ours.
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
      adapter: options.adapter ?? cachedKeySet(),
    }),
  )) as typeof jwtPlugin;

function cachedKeySet(): JwtAdapter {
  let keys: Jwk[] | undefined;
  let readAt = 0;
  return {
    async getJwks(ctx) {
      if (keys === undefined || Date.now() - readAt > JWKS_CACHE_MS) {
        keys = await ctx.context.adapter.findMany<Jwk>({ model: "jwks" });
        readAt = Date.now();
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
