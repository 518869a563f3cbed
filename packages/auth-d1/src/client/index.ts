/**
 * The browser side: better-auth's `createAuthClient`. The client halves of the presets live in
 * `@acme/auth-d1/client/presets`, imported by name so a front end bundles only the ones it uses.
 *
 * @module
 */
import { createAuthClient as createBetterAuthClient } from "better-auth/client";

/**
 * better-auth's client. Pass the client halves of the presets your server turns on, from
 * `@acme/auth-d1/client/presets`, with the same options as on the server (`teams`, `dynamicAccessControl`).
 *
 * @example
 * ```ts
 * import { createAuthClient } from "@acme/auth-d1/client";
 * import * as presets from "@acme/auth-d1/client/presets";
 *
 * export const authClient = createAuthClient({
 *   plugins: [presets.twoFactor(), presets.organization({ teams: { enabled: true } })],
 * });
 * await authClient.organization.create({ name: "Acme", slug: "acme" });
 * ```
 */
export const createAuthClient: typeof createBetterAuthClient = createBetterAuthClient;
