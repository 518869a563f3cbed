/**
 * The options both Workers share, with every preset on, defined once at module scope as the docs ask.
 *
 * @module
 */
import type { AuthD1Options, AuthEmail } from "@acme/auth-d1";
import * as presets from "@acme/auth-d1/presets";
import { passkey } from "@acme/auth-d1/presets/passkey";

/** Mail the Workers would have sent, for the smoke test to read. */
export const outbox: AuthEmail[] = [];

export const options = {
  appName: "Artifact",
  sendEmail: (mail) => void outbox.push(mail),
  plugins: [presets.twoFactor(), presets.organization({ teams: { enabled: true } }), presets.admin(), passkey(), presets.jwt()],
} satisfies AuthD1Options;
