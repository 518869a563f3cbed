/**
 * better-auth for this Worker: email/password and JWTs, on D1 through Kysely.
 *
 * @module
 */
import { createAuth, type AuthD1Options } from "@acme/auth-d1/kysely";
// By name, as `import * as presets` would also allow: either way the bundler keeps only the presets this
// Worker calls, so the organization, admin and two-factor plugins stay out of it.
import { jwt } from "@acme/auth-d1/presets";

/**
 * Defined once at module scope: `createAuth` keeps one better-auth instance per env and options object,
 * so a new object on every request would build a new instance every time.
 */
const authOptions = {
  // No mail provider in this example: verification and reset links appear in the `wrangler dev` log.
  sendEmail(mail) {
    const detail = "otp" in mail ? `code ${mail.otp}` : mail.url;
    console.log(`[mail] ${mail.subject} (to ${mail.to}): ${detail}`);
  },
  // GET /api/auth/token hands the signed-in user a JWT; GET /api/auth/jwks publishes the public keys.
  plugins: [jwt()],
} satisfies AuthD1Options;

/** The better-auth instance for this env, built on the first call in an isolate and reused after. */
export function authFor(env: Env): ReturnType<typeof createAuth<typeof authOptions>> {
  return createAuth(env, authOptions);
}
