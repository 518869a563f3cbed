/**
 * A `fetch` for better-auth's client outside a browser: a Node server, a CLI, a script, a test. Copy this
 * file into your project; docs/client.md explains when you need it.
 *
 * It does the two things a browser does for the client and Node's fetch does not:
 * - It sends `Origin`. Node's fetch sends `Sec-Fetch-Mode: cors` and no `Origin`; better-auth then refuses
 *   sign-up and sign-in with 403 `MISSING_OR_NULL_ORIGIN`, and so every other POST once a cookie is sent.
 *   Pass the origin of `BETTER_AUTH_URL`, or one in `TRUSTED_ORIGINS`.
 * - It keeps cookies. Node keeps none, so without this the session cookie of a sign-in is dropped and the
 *   next call is signed out.
 *
 * Each call of `nodeFetch` has its own cookie jar: one per signed-in user.
 */
export function nodeFetch(origin: string): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  const cookies = new Map<string, string>();
  return async (input, init) => {
    const request = new Request(input, init);
    request.headers.set("origin", origin);
    if (cookies.size > 0) request.headers.set("cookie", [...cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    const response = await fetch(request);
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const separator = pair.indexOf("=");
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      // better-auth clears a cookie with an empty value and Max-Age=0.
      if (value === "" || attributes.some((attribute) => /^\s*max-age\s*=\s*0\s*$/i.test(attribute))) cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  };
}
