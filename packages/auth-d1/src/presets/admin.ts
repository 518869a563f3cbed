/**
 * presets.admin: user management, bans and impersonation.
 *
 * @module
 */
import { admin as adminPlugin } from "better-auth/plugins/admin";
import { preset } from "./configure.js";

type AdminOptions = NonNullable<Parameters<typeof adminPlugin>[0]>;

/**
 * better-auth's admin plugin with impersonation limited to one hour. It takes the plugin's own options;
 * yours win. Make someone an admin with `auth.api.setRole` or by listing their id in `adminUserIds`.
 *
 * @example
 * ```ts
 * createAuth(env, { plugins: [presets.admin({ adminUserIds: [env.FIRST_ADMIN_ID] })] });
 * ```
 */
export const admin = ((options: AdminOptions = {}) =>
  preset(() =>
    adminPlugin({
      impersonationSessionDuration: 60 * 60,
      ...options,
    }),
  )) as typeof adminPlugin;
