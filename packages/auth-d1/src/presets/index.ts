/**
 * Typed presets for better-auth's plugins, with defaults for Workers + D1. Each is the plugin itself, so
 * `auth.api` gains exactly the endpoints of the presets you turn on; `createAuth` fills in what comes
 * from env (URLs, the mailer). Passkeys live in `@acme/auth-d1/presets/passkey`.
 *
 * @module
 */
import { admin } from "./admin.js";
import { jwt } from "./jwt.js";
import { organization } from "./organization.js";
import { twoFactor } from "./two-factor.js";

export { admin, jwt, organization, twoFactor };
export type { PresetContext } from "./configure.js";

/** The presets under one name. */
export interface Presets {
  admin: typeof admin;
  jwt: typeof jwt;
  organization: typeof organization;
  twoFactor: typeof twoFactor;
}

/**
 * The presets under one name.
 *
 * @example
 * ```ts
 * import { presets } from "@acme/auth-d1/presets";
 * const options = {
 *   plugins: [presets.twoFactor(), presets.organization({ teams: { enabled: true } }), presets.admin(), presets.jwt()],
 * } satisfies AuthD1Options;
 * ```
 */
export const presets: Presets = { admin, jwt, organization, twoFactor };
