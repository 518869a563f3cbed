/**
 * The endpoints the bench measures, driven as a browser would: each sample is one request, and every
 * request must succeed and carry the D1 counts, or the run stops with the Worker's answer.
 *
 * @module
 */
import { BOOKMARK_COOKIE, CookieJar, measure, totp } from "./client.mjs";

export const ENDPOINTS = [
  { id: "floor", label: "floor: bench route, no better-auth, no D1" },
  { id: "sign-up", label: "sign-up (email/password)", hashes: true },
  { id: "sign-in", label: "sign-in (email/password)", hashes: true },
  { id: "get-session", label: "get-session, no cookie cache" },
  { id: "get-session-cached", label: "get-session, cookie-cache hit" },
  { id: "list-sessions", label: "list-sessions" },
  { id: "organization-create", label: "organization create (a user's first)", presets: true },
  { id: "two-factor-verify", label: "2FA verify (TOTP)", presets: true },
  { id: "passkey-options", label: "passkey register options", presets: true },
  { id: "token", label: "JWT /token", presets: true },
  { id: "magic-link-send", label: "magic link: send", presets: true },
  { id: "magic-link-verify", label: "magic link: verify (sign-in)", presets: true },
  { id: "email-otp-send", label: "email OTP: send", presets: true },
  { id: "email-otp-sign-in", label: "email OTP: sign-in", presets: true },
];

const PASSWORD = "correct-horse-battery-staple";

function check(result, what, { redirect = false } = {}) {
  const ok = (result.status >= 200 && result.status < 300) || (redirect && result.status >= 300 && result.status < 400);
  if (!ok) throw new Error(`[auth-d1 bench] ${what} answered ${result.status}: ${result.text.slice(0, 300)}`);
  if (result.trips === undefined) throw new Error(`[auth-d1 bench] ${what} answered without the x-bench-d1 header.`);
  return result;
}

function sample(result) {
  const { trips, statements, replicaEligible, primarySession, bookmarkHeaderBytes, bookmarkCookieBytes, bookmarkBytes, bookmarkSentBytes, cpuMs, jsMs, wallMs } = result;
  return { trips, statements, replicaEligible, primarySession, bookmarkHeaderBytes, bookmarkCookieBytes, bookmarkBytes, bookmarkSentBytes, cpuMs, jsMs, wallMs };
}

/**
 * Sends the jar's cookies whose names end with one of `suffixes`, and the read-replication bookmark cookie
 * (when the Worker set one), then keeps the bookmark the answer sets: the bookmark travels as in a browser.
 */
async function browse(server, method, path, jar, suffixes, options = {}) {
  const result = await measure(server, method, path, { ...options, cookies: jar.header([...suffixes, BOOKMARK_COOKIE]) });
  jar.take(result.response, [BOOKMARK_COOKIE]);
  return result;
}

/**
 * Measures every endpoint the Worker has: `iterations` samples each, `hashIterations` for those that hash
 * a password (each needs its own account, as per-account limits allow ten sign-ins per five minutes) and for
 * organization create (each on a new user).
 */
export async function measureEndpoints(server, { presets, iterations, hashIterations, tag }) {
  const samples = Object.fromEntries(ENDPOINTS.filter((endpoint) => presets || !endpoint.presets).map((endpoint) => [endpoint.id, []]));
  const email = (kind, index) => `${kind}-${tag}-${index}@bench.test`;
  const signUp = async (address) => {
    const result = check(await measure(server, "POST", "/api/auth/sign-up/email", { body: { email: address, password: PASSWORD, name: "Bench" } }), "sign-up");
    return { result, jar: new CookieJar().take(result.response) };
  };

  // Unmeasured: the isolate's first request pays one-time costs (schema lookups, JIT), counted apart by
  // measureNewIsolate; every sample below is a warm request.
  await signUp(email("warm-up", 0));
  for (let index = 0; index < iterations; index++) samples["floor"].push(sample(check(await measure(server, "GET", "/bench/noop"), "floor")));
  // Each new user's session: organization create is measured on a user's first organization, as what
  // better-auth reads grows with the organizations a user already has.
  const newUsers = [];
  for (let index = 0; index < hashIterations; index++) {
    const { result, jar } = await signUp(email("user", index));
    samples["sign-up"].push(sample(result));
    newUsers.push(jar);
  }
  let jar;
  for (let index = 0; index < hashIterations; index++) {
    const result = check(await measure(server, "POST", "/api/auth/sign-in/email", { body: { email: email("user", index), password: PASSWORD } }), "sign-in");
    samples["sign-in"].push(sample(result));
    jar ??= new CookieJar().take(result.response);
  }
  const tokenOnly = [".session_token"];
  const withCache = [".session_token", ".session_data"];
  if (!jar.header(withCache).includes(".session_data")) throw new Error("[auth-d1 bench] sign-in set no session_data cookie: is the cookie cache on?");
  for (let index = 0; index < iterations; index++) {
    const result = check(await browse(server, "GET", "/api/auth/get-session", jar, tokenOnly), "get-session");
    if (!result.json?.session) throw new Error("[auth-d1 bench] get-session found no session.");
    samples["get-session"].push(sample(result));
  }
  for (let index = 0; index < iterations; index++) {
    samples["get-session-cached"].push(sample(check(await browse(server, "GET", "/api/auth/get-session", jar, withCache), "get-session (cookie cache)")));
  }
  for (let index = 0; index < iterations; index++) {
    samples["list-sessions"].push(sample(check(await browse(server, "GET", "/api/auth/list-sessions", jar, tokenOnly), "list-sessions")));
  }
  if (!presets) return samples;

  for (const [index, user] of newUsers.entries()) {
    const slug = `org-${tag}-${index}`;
    samples["organization-create"].push(sample(check(await browse(server, "POST", "/api/auth/organization/create", user, tokenOnly, { body: { name: slug, slug } }), "organization create")));
  }
  for (let index = 0; index < iterations; index++) {
    samples["passkey-options"].push(sample(check(await browse(server, "GET", "/api/auth/passkey/generate-register-options", jar, tokenOnly), "passkey register options")));
  }
  for (let index = 0; index < iterations; index++) {
    samples["token"].push(sample(check(await browse(server, "GET", "/api/auth/token", jar, tokenOnly), "JWT /token")));
  }
  await measureTwoFactor(server, samples["two-factor-verify"], { count: hashIterations, email: (index) => email("totp", index), signUp });
  for (let index = 0; index < iterations; index++) {
    const address = email("link", index);
    samples["magic-link-send"].push(sample(check(await measure(server, "POST", "/api/auth/sign-in/magic-link", { body: { email: address, callbackURL: "/" } }), "magic link: send")));
    const { url } = await lastMail(server, address);
    const link = new URL(url);
    const verified = check(await measure(server, "GET", `${link.pathname}${link.search}`), "magic link: verify", { redirect: true });
    if (!verified.response.headers.getSetCookie().some((cookie) => cookie.includes(".session_token="))) throw new Error("[auth-d1 bench] magic link: verify set no session cookie.");
    samples["magic-link-verify"].push(sample(verified));
  }
  for (let index = 0; index < iterations; index++) {
    const address = email("otp", index);
    samples["email-otp-send"].push(sample(check(await measure(server, "POST", "/api/auth/email-otp/send-verification-otp", { body: { email: address, type: "sign-in" } }), "email OTP: send")));
    const { otp } = await lastMail(server, address);
    samples["email-otp-sign-in"].push(sample(check(await measure(server, "POST", "/api/auth/sign-in/email-otp", { body: { email: address, otp } }), "email OTP: sign-in")));
  }
  return samples;
}

/** Users with TOTP on, each signing in up to eight times (under the per-account sign-in limit); the verify is measured. */
async function measureTwoFactor(server, into, { count, email, signUp }) {
  const perUser = 8;
  for (let user = 0; user * perUser < count; user++) {
    const address = email(user);
    const { jar } = await signUp(address);
    const enabled = check(await measure(server, "POST", "/api/auth/two-factor/enable", { cookies: jar.header(), body: { password: PASSWORD } }), "two-factor enable");
    const secret = new URL(enabled.json.totpURI).searchParams.get("secret");
    jar.take(enabled.response);
    check(await measure(server, "POST", "/api/auth/two-factor/verify-totp", { cookies: jar.header(), body: { code: totp(secret) } }), "two-factor first verify");
    for (let index = 0; index < perUser && user * perUser + index < count; index++) {
      const signIn = check(await measure(server, "POST", "/api/auth/sign-in/email", { body: { email: address, password: PASSWORD } }), "sign-in with two-factor");
      if (!signIn.json?.twoFactorRedirect) throw new Error("[auth-d1 bench] sign-in of a two-factor user did not ask for the second factor.");
      const pending = new CookieJar().take(signIn.response);
      const verified = check(await measure(server, "POST", "/api/auth/two-factor/verify-totp", { cookies: pending.header(), body: { code: totp(secret) } }), "2FA verify");
      into.push(sample(verified));
    }
  }
}

async function lastMail(server, address) {
  const response = await fetch(`${server.base}/bench/last-mail?to=${encodeURIComponent(address)}`);
  if (!response.ok) throw new Error(`[auth-d1 bench] no mail reached ${address}.`);
  return response.json();
}

/** Signs in an existing user: on a new isolate (the first request after start) and then warm. */
export async function measureNewIsolate(server, { tag }) {
  const body = (index) => ({ email: `user-${tag}-${index}@bench.test`, password: PASSWORD });
  const first = check(await measure(server, "POST", "/api/auth/sign-in/email", { body: body(0) }), "sign-in on a new isolate");
  const warm = check(await measure(server, "POST", "/api/auth/sign-in/email", { body: body(0) }), "sign-in, warm");
  return { first: sample(first), warm: sample(warm) };
}
