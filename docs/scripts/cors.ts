/**
 * CORS for a plain Worker (no framework) whose front end runs on another origin. Copy this file into your
 * project; docs/troubleshooting.md explains when you need it. With Hono, use its `cors` middleware instead,
 * as examples/hono-drizzle does.
 *
 * Pass the origins of `TRUSTED_ORIGINS` (`readAuthEnv(env).trustedOrigins`, the list better-auth trusts too):
 * only those get CORS headers, with credentials so the browser sends and stores the session cookie. Every
 * other origin gets none, and its browser keeps the answer from it.
 */
const ALLOW_METHODS = "GET, POST, OPTIONS";
const ALLOW_HEADERS = "Content-Type, Authorization";

/** Answers preflights itself and adds CORS headers to what `handler` returns, for trusted origins only. */
export async function withCors(request: Request, trustedOrigins: string[], handler: () => Promise<Response>): Promise<Response> {
  const origin = request.headers.get("origin");
  const trusted = origin !== null && trustedOrigins.some((entry) => new URL(entry).origin === origin);
  if (request.method === "OPTIONS" && request.headers.has("access-control-request-method")) {
    if (!trusted) return new Response(null, { status: 204 });
    return new Response(null, {
      status: 204,
      headers: { ...corsHeaders(origin), "access-control-allow-methods": ALLOW_METHODS, "access-control-allow-headers": ALLOW_HEADERS, "access-control-max-age": "600" },
    });
  }
  const response = await handler();
  if (!trusted) return response;
  // better-auth's responses can be immutable; copy before adding headers.
  const withHeaders = new Response(response.body, response);
  for (const [name, value] of Object.entries(corsHeaders(origin))) withHeaders.headers.set(name, value);
  withHeaders.headers.append("vary", "Origin");
  return withHeaders;
}

function corsHeaders(origin: string): Record<string, string> {
  return { "access-control-allow-origin": origin, "access-control-allow-credentials": "true" };
}
