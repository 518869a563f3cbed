/**
 * Typed presets for better-auth's plugins, with defaults for Workers + D1. Each is the plugin itself, so
 * `auth.api` gains exactly the endpoints of the presets you turn on; `createAuth` fills in what comes
 * from env (URLs, the mailer). Passkeys live in `@acme/auth-d1/presets/passkey`.
 *
 * Import the module as a namespace, or the presets by name: a bundler then keeps only the presets you
 * call. (An object holding all of them would pull every plugin into every Worker.)
 *
 * @example
 * ```ts
 * import * as presets from "@acme/auth-d1/presets";
 * const options = {
 *   plugins: [presets.twoFactor(), presets.organization({ teams: { enabled: true } }), presets.jwt()],
 * } satisfies AuthD1Options;
 * ```
 *
 * @module
 */
import { admin } from "./admin.js";
import { emailOTP, type EmailOTPOptions } from "./email-otp.js";
import { jwt } from "./jwt.js";
import { magicLink, type MagicLinkOptions } from "./magic-link.js";
import { organization } from "./organization.js";
import { twoFactor } from "./two-factor.js";

export { admin, emailOTP, jwt, magicLink, organization, twoFactor };
export type { EmailOTPOptions, MagicLinkOptions };
export type { PresetContext } from "../preset.js";
