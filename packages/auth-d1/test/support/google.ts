/**
 * Google as an app configures it (`socialProviders.google`), with every call that would leave the Worker
 * answered here, so social sign-in, linking and token refresh run without the internet: id tokens are
 * checked by `verifyIdToken`, profiles read by `getUserInfo` and tokens refreshed by `refreshAccessToken`
 * (better-auth's own options for these), and the OAuth callback's code exchange by {@link withGoogleTokenEndpoint}.
 * Each token and code carries the address it is for, so no state is kept between requests.
 */
import type { GoogleOptions, GoogleProfile } from "@better-auth/core/social-providers";
import { vi } from "vitest";

const ID_TOKEN = "google-id-token:";
const ACCESS_TOKEN = "google-access-token:";
const CODE = "google-code:";
const TOKEN_ENDPOINT = "https://oauth2.googleapis.com/token";

/** An id token Google would have issued for `email` (verified), for `/sign-in/social` and `/link-social`. */
export function googleIdToken(email: string): string {
  return `${ID_TOKEN}${email}`;
}

/** The authorization code Google would send back to `/callback/google` for `email`. */
export function googleCode(email: string): string {
  return `${CODE}${email}`;
}

/** What both kinds of token say about their holder: the Google account of `email`, its profile as Google's id token claims. */
function profileOf(token: string | undefined): { user: { email: string; name: string; emailVerified: boolean }; data: GoogleProfile } | null {
  const email = [ID_TOKEN, ACCESS_TOKEN].flatMap((prefix) => (token?.startsWith(prefix) ? [token.slice(prefix.length)] : []))[0];
  if (email === undefined) return null;
  const now = Math.floor(Date.now() / 1000);
  const data: GoogleProfile = {
    iss: "https://accounts.google.com",
    aud: localGoogle.clientId,
    azp: localGoogle.clientId,
    sub: `google-${email}`,
    iat: now,
    exp: now + 3600,
    email,
    email_verified: true,
    name: "Google User",
    given_name: "Google",
    family_name: "User",
    picture: "https://example.com/avatar.png",
  };
  return { user: { email, name: data.name, emailVerified: true }, data };
}

/**
 * `socialProviders.google` for tests: a client id and secret, and the provider's network calls answered locally.
 *
 * @example
 * createAuth(env, { socialProviders: { google: localGoogle } });
 * await client.post("/sign-in/social", { provider: "google", idToken: { token: googleIdToken(email) } });
 */
export const localGoogle = {
  clientId: "auth-d1-test.apps.googleusercontent.com",
  clientSecret: "auth-d1-test-secret",
  verifyIdToken: async (token: string) => profileOf(token) !== null,
  getUserInfo: async (tokens: { idToken?: string; accessToken?: string }) => profileOf(tokens.idToken ?? tokens.accessToken),
  refreshAccessToken: async (refreshToken: string) => ({
    accessToken: `${ACCESS_TOKEN}refreshed-${crypto.randomUUID()}`,
    refreshToken,
    accessTokenExpiresAt: new Date(Date.now() + 3600_000),
  }),
} satisfies GoogleOptions;

/**
 * Runs `request` with Google's token endpoint answered here: a code from {@link googleCode} is exchanged for an
 * access token of the same address. Any other outbound fetch fails, so the request cannot reach the internet.
 *
 * @example
 * await withGoogleTokenEndpoint(() => client.raw(`/callback/google?code=${googleCode(email)}&state=${state}`));
 */
export async function withGoogleTokenEndpoint<T>(request: () => Promise<T>): Promise<T> {
  const fetch = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const sent = new Request(input, init);
    if (sent.url !== TOKEN_ENDPOINT) throw new Error(`[test] no outbound fetch but Google's token endpoint: ${sent.url}`);
    const code = new URLSearchParams(new TextDecoder().decode(await sent.arrayBuffer())).get("code") ?? "";
    if (!code.startsWith(CODE)) return Response.json({ error: "invalid_grant" }, { status: 400 });
    const accessToken = `${ACCESS_TOKEN}${code.slice(CODE.length)}`;
    return Response.json({ access_token: accessToken, refresh_token: `refresh-${crypto.randomUUID()}`, token_type: "Bearer", expires_in: 3600, scope: "openid email profile" });
  });
  try {
    return await request();
  } finally {
    fetch.mockRestore();
  }
}
