/**
 * The part every bench Worker shares: the counted D1 binding, the mail box and the bench-only route.
 *
 * @module
 */
import { countD1, countingD1, countsHeader } from "./counting-d1.js";

/** What each bench Worker's wrangler.jsonc provides. */
export interface BenchEnv {
  DB: D1Database;
  BETTER_AUTH_SECRET: string;
  BETTER_AUTH_URL: string;
}

/** The last link or code mailed to each address, for the bench to finish magic-link and email-OTP sign-in. */
const lastMail = new Map<string, { url?: string; otp?: string }>();

/** Keeps a mailed link or code for `GET /bench/last-mail?to=`. */
export function rememberMail(to: string, mail: { url?: string; otp?: string }): void {
  lastMail.set(to.toLowerCase(), mail);
}

/** The same cookie cache in every Worker, so get-session with and without it compares. */
export const cookieCache = { enabled: true, maxAge: 300 };

/**
 * The same rate limiting in every Worker: on (as in production), with limits high enough that the bench's
 * sequential requests from one address never reach them. Counters are still written on every limited path.
 */
export const rateLimit = {
  enabled: true,
  window: 60,
  max: 1_000_000,
  customRules: Object.fromEntries(
    ["/sign-in/*", "/sign-up/*", "/two-factor/*", "/email-otp/*", "/magic-link/*", "/passkey/*", "/organization/*"].map((path) => [path, { window: 60, max: 1_000_000 }]),
  ),
};

interface Handler {
  handler(request: Request): Promise<Response>;
}

/**
 * A Worker serving `build(env)`'s better-auth under /api/auth, each response carrying
 * `x-bench-d1` (see {@link countsHeader}). `build` runs once per isolate (per env object), on an env whose
 * DB is counted.
 */
export function benchWorker(build: (env: BenchEnv) => Handler): ExportedHandler<BenchEnv> {
  const built = new WeakMap<object, Handler>();
  return {
    async fetch(request, env) {
      const url = new URL(request.url);
      // Bench-only: never ship a route like this.
      if (url.pathname === "/bench/last-mail") {
        const mail = lastMail.get((url.searchParams.get("to") ?? "").toLowerCase());
        return mail ? Response.json(mail) : new Response("no mail", { status: 404 });
      }
      // Bench-only: what a request costs the bench's CPU reading when the Worker does nothing (the floor).
      if (url.pathname === "/bench/noop") return new Response(null, { status: 204, headers: { "x-bench-d1": countsHeader({ trips: 0, statements: 0, replicaEligible: 0, primarySession: 0, d1WaitMs: 0, inFlight: 0, waitingSince: 0 }, 0) } });
      if (!url.pathname.startsWith("/api/auth/")) return new Response("Not found", { status: 404 });
      let auth = built.get(env);
      if (!auth) built.set(env, (auth = build({ ...env, DB: countingD1(env.DB) })));
      const started = performance.now();
      const { result, counts } = await countD1(() => auth.handler(request));
      // The request's own JavaScript: its time in the handler less its D1 waits (local workerd's clock runs).
      const jsMs = Math.max(performance.now() - started - counts.d1WaitMs, 0);
      const response = new Response(result.body, result);
      response.headers.set("x-bench-d1", countsHeader(counts, jsMs));
      return response;
    },
  };
}
