/**
 * presets.admin: user management, bans and impersonation, with the first admin named in env.
 *
 * @module
 */
import { admin as adminPlugin } from "better-auth/plugins/admin";
import { preset } from "../preset.js";
import { withSessionCreateBefore } from "../integration/better-auth-contracts.js";
import { pathOfEndpoint } from "../integration/endpoint-policy.js";

type AdminOptions = NonNullable<Parameters<typeof adminPlugin>[0]>;

/**
 * better-auth's admin plugin whose admins include the user ids in the `AUTH_ADMIN_USER_IDS` var
 * (comma-separated), next to any `adminUserIds` you pass. A Worker has no shell to promote its first admin
 * from, and plain `admin()` only honours ids written into code: with the preset, sign up, put your id in
 * the var (`wrangler secret put AUTH_ADMIN_USER_IDS`, or `vars` in wrangler.jsonc) and you are an admin,
 * with no redeploy of code. Every other option is the plugin's own; yours win.
 *
 * @example
 * ```ts
 * createAuth(env, { plugins: [presets.admin()] }); // AUTH_ADMIN_USER_IDS="<your user id>"
 * ```
 */
export const admin = ((options: AdminOptions = {}) =>
  preset((context) =>
    withoutSignUpBanLookup(
      adminPlugin({
        ...options,
        adminUserIds: [...new Set([...(context?.adminUserIds ?? []), ...(options.adminUserIds ?? [])])],
      }),
    ),
  )) as typeof adminPlugin;

/**
 * The plugin checks for a ban before every session it creates, by reading the user. On `/sign-up/email`
 * the session is for the user the same request has just created, which no one can have banned yet (the
 * plugin's `banned` field takes no input and defaults to false): that read is one D1 round trip for
 * nothing, so it is skipped there. Every other path keeps the check.
 */
function withoutSignUpBanLookup(plugin: ReturnType<typeof adminPlugin>): ReturnType<typeof adminPlugin> {
  return withSessionCreateBefore(plugin, (before) => async (session, ctx) => (ctx?.path === pathOfEndpoint("signUpEmail") ? undefined : before(session, ctx)));
}
