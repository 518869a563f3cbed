/**
 * The client half of each server preset, under the preset's name. Import the module as a namespace or the
 * presets by name: a bundler keeps only those you call. Passkeys: `passkeyClient` from
 * `@better-auth/passkey/client`.
 *
 * @example
 * ```ts
 * import { createAuthClient } from "@acme/auth-d1/client";
 * import * as presets from "@acme/auth-d1/client/presets";
 *
 * export const authClient = createAuthClient({ plugins: [presets.twoFactor(), presets.jwt()] });
 * ```
 *
 * @module
 */
import { adminClient, emailOTPClient, jwtClient, magicLinkClient, organizationClient, twoFactorClient } from "better-auth/client/plugins";

/**
 * The client half of `presets.twoFactor`: `authClient.twoFactor.enable`, `verifyTotp`, and the redirect
 * to your second-factor page when sign-in needs one.
 *
 * @example
 * ```ts
 * createAuthClient({ plugins: [presets.twoFactor({ onTwoFactorRedirect: () => location.assign("/2fa") })] });
 * ```
 */
export const twoFactor: typeof twoFactorClient = twoFactorClient;

/**
 * The client half of `presets.organization`. Give it the same `teams` and `dynamicAccessControl` options as
 * the server, and `authClient.organization` gains the matching methods.
 *
 * @example
 * ```ts
 * createAuthClient({ plugins: [presets.organization({ teams: { enabled: true } })] });
 * ```
 */
export const organization: typeof organizationClient = organizationClient;

/**
 * The client half of `presets.admin`: `authClient.admin.listUsers`, `banUser`, `impersonateUser`...
 *
 * @example
 * ```ts
 * createAuthClient({ plugins: [presets.admin()] });
 * ```
 */
export const admin: typeof adminClient = adminClient;

/**
 * The client half of `presets.jwt`: `authClient.token()` fetches a JWT for your own APIs.
 *
 * @example
 * ```ts
 * const { data } = await createAuthClient({ plugins: [presets.jwt()] }).token();
 * ```
 */
export const jwt: typeof jwtClient = jwtClient;

/**
 * The client half of `presets.magicLink`: `authClient.signIn.magicLink({ email, callbackURL })`.
 *
 * @example
 * ```ts
 * await createAuthClient({ plugins: [presets.magicLink()] }).signIn.magicLink({ email: "ada@example.com", callbackURL: "/" });
 * ```
 */
export const magicLink: typeof magicLinkClient = magicLinkClient;

/**
 * The client half of `presets.emailOTP`: `authClient.emailOtp.sendVerificationOtp`, `authClient.signIn.emailOtp`,
 * `authClient.emailOtp.verifyEmail`, `authClient.emailOtp.resetPassword`...
 *
 * @example
 * ```ts
 * const authClient = createAuthClient({ plugins: [presets.emailOTP()] });
 * await authClient.emailOtp.sendVerificationOtp({ email: "ada@example.com", type: "sign-in" });
 * await authClient.signIn.emailOtp({ email: "ada@example.com", otp: "123456" });
 * ```
 */
export const emailOTP: typeof emailOTPClient = emailOTPClient;
