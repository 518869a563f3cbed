/**
 * How a preset learns about `env`: it is a real plugin, carrying a function that rebuilds it from env.
 *
 * @module
 */
import type { BetterAuthPlugin } from "better-auth";
import type { Mailer } from "./mail-delivery.js";

/**
 * What `createAuth` knows when it configures presets.
 *
 * @example
 * ```ts
 * const context: PresetContext = { baseURL: "https://auth.example.com", origin: "https://auth.example.com", trustedOrigins: [], appName: "Acme", sendEmail: undefined, adminUserIds: [] };
 * ```
 */
export interface PresetContext {
  /** `BETTER_AUTH_URL`, when set. */
  baseURL: string | undefined;
  /** The origin of `BETTER_AUTH_URL` (`https://auth.example.com`), when set. */
  origin: string | undefined;
  /** The origins of `TRUSTED_ORIGINS`. */
  trustedOrigins: string[];
  /** The `appName` option. */
  appName: string | undefined;
  /** Sends a mail draft through the template and the delivery `createAuth` chose; undefined when none can deliver. */
  sendEmail: Mailer | undefined;
  /** `AUTH_ADMIN_USER_IDS`: user ids that are admins whatever their role. */
  adminUserIds: string[];
}

const CONFIGURE = Symbol.for("@acme/auth-d1/configure");

interface Configurable {
  [CONFIGURE]?: (context: PresetContext) => BetterAuthPlugin;
}

/**
 * Returns `build(undefined)` (a plugin that works alone, with request-derived defaults) remembering how to
 * rebuild it once `createAuth` has read env. The symbol is registered, so a second copy of this package
 * still recognises it.
 *
 * @example
 * ```ts
 * export const myPreset = (options: MyOptions = {}) => preset((context) => myPlugin({ appName: context?.appName, ...options }));
 * ```
 */
export function preset<P extends BetterAuthPlugin>(build: (context: PresetContext | undefined) => P): P {
  const plugin = build(undefined) as P & Configurable;
  Object.defineProperty(plugin, CONFIGURE, { value: (context: PresetContext) => build(context), enumerable: false });
  return plugin;
}

/**
 * Rebuilds each preset in `plugins` from `context`; other plugins pass through untouched.
 *
 * @example
 * ```ts
 * const plugins = resolvePresets(options.plugins ?? [], context);
 * ```
 */
export function resolvePresets(plugins: BetterAuthPlugin[], context: PresetContext): BetterAuthPlugin[] {
  return plugins.map((plugin) => (plugin as Configurable)[CONFIGURE]?.(context) ?? plugin);
}
