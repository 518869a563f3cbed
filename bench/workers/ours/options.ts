/**
 * Our Workers' options: the shipped defaults, plus what every bench Worker shares (mail into the bench's
 * mail box, the cookie cache, rate limiting on although the bench serves 127.0.0.1).
 *
 * @module
 */
import type { AuthD1Options } from "@acme/auth-d1";
import * as presets from "@acme/auth-d1/presets";
import { passkey } from "@acme/auth-d1/presets/passkey";
import { cookieCache, rateLimit, rememberMail } from "../shared/bench-worker.js";

/** Core: email/password only. */
export const coreOptions = {
  appName: "bench",
  sendEmail(mail) {
    rememberMail(mail.to, "otp" in mail ? { otp: mail.otp } : { url: mail.url });
  },
  session: { cookieCache },
  // servesLocalhost() would turn the limiter off on 127.0.0.1; the bench measures it on, as deployed.
  rateLimit,
} satisfies AuthD1Options;

/** Every preset, as docs/presets.md turns them on. */
export const everyPresetOptions = {
  ...coreOptions,
  plugins: [
    presets.twoFactor(),
    presets.organization({ teams: { enabled: true } }),
    presets.admin(),
    passkey(),
    presets.jwt(),
    presets.magicLink(),
    presets.emailOTP(),
  ],
} satisfies AuthD1Options;
