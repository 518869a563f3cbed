/**
 * presets.passkey: WebAuthn sign-in. A separate entry, `@acme/auth-d1/presets/passkey`, so Workers that
 * do not use passkeys need not install `@better-auth/passkey`.
 *
 * @module
 */
import { passkey as passkeyPlugin } from "@better-auth/passkey";
import { preset } from "../preset.js";

type PasskeyOptions = NonNullable<Parameters<typeof passkeyPlugin>[0]>;

/**
 * `@better-auth/passkey` with the relying party taken from env: `rpID` is the host of `BETTER_AUTH_URL`,
 * and only that origin and `TRUSTED_ORIGINS` may register or use a passkey (the plugin alone trusts
 * whatever `Origin` a request carries). `rpName` is the app name. Your options win.
 *
 * @example
 * ```ts
 * import { passkey } from "@acme/auth-d1/presets/passkey";
 * createAuth(env, { appName: "Acme", plugins: [passkey()] });
 * ```
 */
export const passkey = ((options: PasskeyOptions = {}) =>
  preset((context) => {
    const origins = context?.origin ? [context.origin, ...context.trustedOrigins] : undefined;
    return passkeyPlugin({
      rpID: context?.baseURL ? new URL(context.baseURL).hostname : undefined,
      rpName: context?.appName,
      origin: origins,
      ...options,
    });
  })) as typeof passkeyPlugin;
