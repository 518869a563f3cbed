/**
 * The baselines' plugins: the same features as our presets, wired as better-auth's docs show, mail into
 * the bench's mail box.
 *
 * @module
 */
import { passkey } from "@better-auth/passkey";
import { admin, emailOTP, jwt, magicLink, organization, twoFactor } from "better-auth/plugins";
import { rememberMail } from "../shared/bench-worker.js";

/** Every plugin our "every preset" Workers turn on. */
export function everyPlugin() {
  return [
    twoFactor(),
    organization({ teams: { enabled: true } }),
    admin(),
    passkey(),
    jwt(),
    magicLink({ sendMagicLink: async ({ email, url }) => rememberMail(email, { url }) }),
    emailOTP({ sendVerificationOTP: async ({ email, otp }) => rememberMail(email, { otp }) }),
  ];
}
