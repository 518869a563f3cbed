/**
 * presets.magicLink: passwordless sign-in by a one-time link in a mail.
 *
 * @module
 */
import { magicLink as magicLinkPlugin } from "better-auth/plugins/magic-link";
import { AuthD1Error } from "../errors.js";
import { preset } from "../preset.js";
import { magicLinkIdentifier } from "../integration/better-auth-contracts.js";

type MagicLinkPluginOptions = Parameters<typeof magicLinkPlugin>[0];

/**
 * The options of `presets.magicLink`: better-auth's own, with `sendMagicLink` optional (`createAuth` mails
 * the link itself).
 *
 * @example
 * ```ts
 * const options: MagicLinkOptions = { expiresIn: 60 * 10, disableSignUp: true };
 * ```
 */
export interface MagicLinkOptions extends Omit<MagicLinkPluginOptions, "sendMagicLink"> {
  /** Sends the link yourself instead of through `createAuth`'s delivery (`sendEmail` or the `send_email` binding). */
  sendMagicLink?: MagicLinkPluginOptions["sendMagicLink"];
}

/** How long a link works, in seconds. */
const EXPIRES_IN = 5 * 60;

/**
 * better-auth's magic-link plugin with the link mailed through `createAuth`'s delivery (kind `magic-link`),
 * stored hashed (a leaked `verification` table holds no working link), working once, for five minutes. A
 * link whose mail fails is deleted at once and the request answers 502 `EMAIL_SEND_FAILED`: asking again
 * sends a new one. No password hash runs, so a sign-in fits the Workers Free plan's CPU limit. Yours win.
 *
 * @example
 * ```ts
 * createAuth(env, { appName: "Acme", plugins: [presets.magicLink()] });
 * // POST /api/auth/sign-in/magic-link { email, callbackURL: "/" } mails a link to /api/auth/magic-link/verify
 * ```
 */
export const magicLink = (options: MagicLinkOptions = {}): ReturnType<typeof magicLinkPlugin> =>
  preset((context) => {
    const storeToken = options.storeToken ?? "hashed";
    return magicLinkPlugin({
      expiresIn: EXPIRES_IN,
      ...options,
      storeToken,
      sendMagicLink:
        options.sendMagicLink ??
        (async ({ email, url, token }, ctx) => {
          const mailer = context?.sendEmail;
          if (!mailer) {
            throw new AuthD1Error("OPTIONS_INVALID", "presets.magicLink has no way to mail the link: pass it in createAuth's plugins (which delivers mail), or give it sendMagicLink.");
          }
          try {
            await mailer({ kind: "magic-link", to: email, url, token }, ctx?.request);
          } catch (error) {
            // The link never reached anyone: remove it rather than leave a live token behind.
            await ctx?.context.internalAdapter.deleteVerificationByIdentifier(await magicLinkIdentifier(token, storeToken));
            throw error;
          }
        }),
    });
  });
