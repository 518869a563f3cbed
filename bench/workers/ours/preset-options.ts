/**
 * Our every-preset Workers' options: the core options and every preset, as docs/presets.md turns them on.
 *
 * @module
 */
import type { AuthD1Options } from "@acme/auth-d1";
import * as presets from "@acme/auth-d1/presets";
import { passkey } from "@acme/auth-d1/presets/passkey";
import { coreOptions } from "./core-options.js";

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
