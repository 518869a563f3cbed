/**
 * presets.twoFactor: TOTP, email codes and backup codes.
 *
 * @module
 */
import { twoFactor as twoFactorPlugin } from "better-auth/plugins/two-factor";
import { otpEmail } from "../mail.js";
import { preset } from "../preset.js";

type TwoFactorOptions = NonNullable<Parameters<typeof twoFactorPlugin>[0]>;

/**
 * better-auth's two-factor plugin with codes mailed through `sendEmail` (kind `two-factor-otp`) and stored
 * hashed, and the app name as TOTP issuer. When a code's mail fails, `/two-factor/send-otp` answers 502
 * `EMAIL_SEND_FAILED` and keeps no code (better-auth alone answers 200); the sign-in challenge stays, so asking
 * again works. It takes the plugin's own options, and yours win over ours.
 *
 * @example
 * ```ts
 * createAuth(env, { appName: "Acme", plugins: [presets.twoFactor({ backupCodeOptions: { amount: 8 } })] });
 * ```
 */
export const twoFactor = ((options: TwoFactorOptions = {}) =>
  preset((context) => {
    const issuer = options.issuer ?? context?.appName;
    return twoFactorPlugin({
      ...options,
      issuer,
      // better-auth's /two-factor/get-totp-uri reads the issuer from totpOptions (whose type omits it), not
      // from `issuer`: without this, the URI fetched again names the app instead of your issuer.
      totpOptions: { ...options.totpOptions, issuer } as TwoFactorOptions["totpOptions"],
      otpOptions: {
        // Emailed codes sit in the verification table until used: keep only their hash there.
        storeOTP: "hashed",
        ...options.otpOptions,
        sendOTP:
          options.otpOptions?.sendOTP ??
          (context?.sendEmail && (async (data, ctx) => context.sendEmail?.(otpEmail(data), ctx?.request))),
      },
    });
  })) as typeof twoFactorPlugin;
