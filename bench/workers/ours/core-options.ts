/**
 * Our core Workers' options: the shipped defaults, plus what every bench Worker shares (mail into the
 * bench's mail box, the cookie cache, rate limiting on although the bench serves 127.0.0.1). No preset is
 * imported here, so the core bundles carry none.
 *
 * @module
 */
import type { AuthD1Options } from "@acme/auth-d1";
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
