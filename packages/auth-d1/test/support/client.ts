/**
 * A cookie-keeping HTTP client that talks to `auth.handler` directly, as a browser would over the network.
 */
export const ORIGIN = "http://localhost:8787";

/**
 * A POST to `/api/auth${path}` as a browser on ORIGIN sends it (Origin and a JSON content type), with the body
 * as given, for the requests TestClient cannot make: malformed bodies, other origins, extra headers.
 *
 * @example
 * await auth.handler(authPost("/sign-in/email", JSON.stringify({ email, password }), { origin: "https://evil.example" }));
 */
export function authPost(path: string, body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}/api/auth${path}`, { method: "POST", headers: { origin: ORIGIN, "content-type": "application/json", ...headers }, body });
}

export interface AuthHandler {
  handler(request: Request): Promise<Response>;
}

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class TestClient {
  readonly #auth: AuthHandler;
  readonly #cookies = new Map<string, string>();

  constructor(auth: AuthHandler) {
    this.#auth = auth;
  }

  /** The session token cookie's value, signed as better-auth sets it. */
  get sessionCookie(): string | undefined {
    return this.#cookies.get("better-auth.session_token");
  }

  /** The raw session token, as stored in `session.token`. */
  get sessionToken(): string | undefined {
    const signed = this.sessionCookie;
    return signed === undefined ? undefined : decodeURIComponent(signed).split(".")[0];
  }

  async raw(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("origin", ORIGIN);
    if (this.#cookies.size > 0) headers.set("cookie", [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const response = await this.#auth.handler(new Request(`${ORIGIN}/api/auth${path}`, { ...init, headers, redirect: "manual" }));
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const [name = "", value = ""] = pair.split("=", 2).map((part) => part.trim());
      const expired = value === "" || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return response;
  }

  async post<T = any>(path: string, body: unknown): Promise<JsonResponse<T>> {
    const response = await this.raw(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: response.status, body: await readJson(response), headers: response.headers };
  }

  async get<T = any>(path: string): Promise<JsonResponse<T>> {
    const response = await this.raw(path);
    return { status: response.status, body: await readJson(response), headers: response.headers };
  }
}

async function readJson(response: Response): Promise<any> {
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
