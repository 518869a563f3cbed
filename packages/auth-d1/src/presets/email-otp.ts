/**
 * presets.emailOTP: one-time codes by mail for sign-in, email verification and password reset.
 *
 * @module
 */
import { emailOTP as emailOTPPlugin } from "better-auth/plugins/email-otp";
import { AuthD1Error } from "../errors.js";
import { preset } from "../preset.js";

type EmailOTPPluginOptions = Parameters<typeof emailOTPPlugin>[0];

/**
 * The options of `presets.emailOTP`: better-auth's own, with `sendVerificationOTP` optional (`createAuth`
 * mails the code itself).
 *
 * @example
 * ```ts
 * const options: EmailOTPOptions = { otpLength: 8, disableSignUp: true };
 * ```
 */
export interface EmailOTPOptions extends Omit<EmailOTPPluginOptions, "sendVerificationOTP"> {
  /** Sends the code yourself instead of through `createAuth`'s delivery (`sendEmail` or the `send_email` binding). */
  sendVerificationOTP?: EmailOTPPluginOptions["sendVerificationOTP"];
}

/**
 * better-auth's email-otp plugin with codes mailed through `createAuth`'s delivery (kind `email-otp`, with
 * `purpose`), stored hashed, valid five minutes, dead after three wrong tries and after one use. A code
 * whose mail fails is deleted; the request answers 200 as for any address (better-auth's answer, which tells
 * nobody who has an account): asking again sends a new one. No password hash runs, so a sign-in fits the
 * Workers Free plan's CPU limit. Yours win.
 *
 * @example
 * ```ts
 * createAuth(env, { appName: "Acme", plugins: [presets.emailOTP()] });
 * // POST /api/auth/email-otp/send-verification-otp { email, type: "sign-in" }, then POST /api/auth/sign-in/email-otp { email, otp }
 * ```
 */
export const emailOTP = (options: EmailOTPOptions = {}): ReturnType<typeof emailOTPPlugin> =>
  preset((context) =>
    emailOTPPlugin({
      expiresIn: 5 * 60,
      allowedAttempts: 3,
      storeOTP: "hashed",
      ...options,
      sendVerificationOTP:
        options.sendVerificationOTP ??
        (async ({ email, otp, type }, ctx) => {
          const mailer = context?.sendEmail;
          if (!mailer) {
            throw new AuthD1Error("OPTIONS_INVALID", "presets.emailOTP has no way to mail the code: pass it in createAuth's plugins (which delivers mail), or give it sendVerificationOTP.");
          }
          try {
            await mailer({ kind: "email-otp", to: email, otp, purpose: type }, ctx?.request);
          } catch (error) {
            // A code nobody received must not stay guessable. A change-of-email code is keyed by the user and the
            // new address.
            const key = type === "change-email" ? `${ctx?.context.session?.user.id}:${email.toLowerCase()}` : email.toLowerCase();
            await ctx?.context.internalAdapter.deleteVerificationByIdentifier(`${type}-otp-${key}`);
            throw error;
          }
        }),
    }),
  );
