/**
 * `createAuthClient` for the browser, with the client plugins that match the server presets.
 *
 * @module
 */
import type { BetterAuthClientOptions, BetterAuthClientPlugin } from "better-auth";
import { createAuthClient as createBetterAuthClient } from "better-auth/client";
import { adminClient, jwtClient, organizationClient, twoFactorClient } from "better-auth/client/plugins";

/** The client half of each server preset, by the preset's name. */
export interface ClientPresets {
  twoFactor: () => ReturnType<typeof twoFactorClient>;
  organization: () => ReturnType<typeof organizationClient<{ teams: { enabled: true }; dynamicAccessControl: { enabled: true } }>>;
  admin: () => ReturnType<typeof adminClient<{}>>;
  jwt: () => ReturnType<typeof jwtClient>;
}

/** The client half of each server preset, by the preset's name. */
export const clientPresets: ClientPresets = {
  twoFactor: () => twoFactorClient(),
  organization: () => organizationClient({ teams: { enabled: true }, dynamicAccessControl: { enabled: true } }),
  admin: () => adminClient(),
  jwt: () => jwtClient(),
};

/** A server preset with a client half. */
export type ClientPresetName = keyof ClientPresets;

type PluginsOf<Names extends readonly ClientPresetName[]> = { -readonly [K in keyof Names]: ReturnType<ClientPresets[Names[K]]> };

/** Options for {@link createAuthClient}: better-auth's client options, plus the presets the server has on. */
export interface AuthD1ClientOptions<Names extends readonly ClientPresetName[], Plugins extends readonly BetterAuthClientPlugin[]>
  extends Omit<BetterAuthClientOptions, "plugins"> {
  /** The presets turned on in `createAuth` on the server; each adds its typed methods (`authClient.twoFactor.enable`...). */
  presets?: Names;
  /** More client plugins, e.g. `passkeyClient()` from `@better-auth/passkey/client` for the passkey preset. */
  plugins?: Plugins;
}

/** The better-auth client options `createAuthClient` ends up with, as types see them. */
export type ResolvedClientOptions<Names extends readonly ClientPresetName[], Plugins extends readonly BetterAuthClientPlugin[]> = Omit<
  BetterAuthClientOptions,
  "plugins"
> & { plugins: [...PluginsOf<Names>, ...Plugins] };

/**
 * better-auth's client with the client plugins of the presets you name, in the order you name them.
 * Name the same presets as the server turns on: a method whose preset is off on the server gets a 404.
 *
 * @example
 * ```ts
 * import { createAuthClient } from "@acme/auth-d1/client";
 * import { passkeyClient } from "@better-auth/passkey/client";
 *
 * export const authClient = createAuthClient({
 *   presets: ["twoFactor", "organization", "admin", "jwt"],
 *   plugins: [passkeyClient()],
 * });
 * await authClient.organization.create({ name: "Acme", slug: "acme" });
 * ```
 */
export function createAuthClient<const Names extends readonly ClientPresetName[] = [], const Plugins extends readonly BetterAuthClientPlugin[] = []>(
  options: AuthD1ClientOptions<Names, Plugins> = {},
): ReturnType<typeof createBetterAuthClient<ResolvedClientOptions<Names, Plugins>>> {
  const { presets = [], plugins = [], ...rest } = options;
  const resolved = { ...rest, plugins: [...presets.map((name) => clientPresets[name]()), ...plugins] };
  return createBetterAuthClient(resolved as unknown as ResolvedClientOptions<Names, Plugins>);
}
