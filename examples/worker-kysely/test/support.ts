// Helpers every test shares, whatever runs it: the Worker's origin, the test password, fresh addresses.
// Requests to the Worker under test are in worker.ts.

/** BETTER_AUTH_URL in vitest.config.ts: the Worker's own origin, and the JWTs' issuer and audience. */
export const ORIGIN = "http://127.0.0.1:8788";
/** Every test user's password. */
export const PASSWORD = "correct horse battery staple";

/** An address no other test uses. */
export function uniqueEmail(label = "user"): string {
  return `${label}-${crypto.randomUUID()}@example.com`;
}
