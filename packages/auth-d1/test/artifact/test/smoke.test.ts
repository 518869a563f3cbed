// Sign-up, sign-in and get-session on each adapter, in workerd, through the installed @acme/auth-d1: once as
// raw HTTP, once through @acme/auth-d1/client as a browser app would call it.
import { createAuthClient } from "@acme/auth-d1/client";
import * as clientPresets from "@acme/auth-d1/client/presets";
import { passkeyClient } from "@better-auth/passkey/client";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import drizzleWorker from "../src/index.js";
import kyselyWorker from "../src/kysely.js";
import { outbox } from "../src/options.js";

const ORIGIN = "http://127.0.0.1:8787";
const PASSWORD = "correct horse battery staple";

interface Worker {
  fetch(request: Request, env: Env): Promise<Response>;
}

/** `fetch` as a browser on ORIGIN would do it: an Origin header, and the session cookie kept between calls. */
function browserFetch(worker: Worker): typeof fetch {
  let cookie: string | undefined;
  return async (input, init) => {
    const request = new Request(input, init);
    request.headers.set("origin", ORIGIN);
    if (cookie !== undefined) request.headers.set("cookie", cookie);
    const response = await worker.fetch(request, env);
    cookie = sessionCookie(response) ?? cookie;
    return response;
  };
}

function sessionCookie(response: Response): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith("better-auth.session_token="))?.split(";")[0];
}

describe.each([
  { adapter: "drizzle", worker: drizzleWorker as Worker },
  { adapter: "kysely", worker: kyselyWorker as Worker },
])("$adapter", ({ worker }) => {
  it("signs up, signs in and reads the session over HTTP", async () => {
    const email = `http-${crypto.randomUUID()}@example.com`;
    const call = browserFetch(worker);
    const post = (path: string, body: unknown): Promise<Response> =>
      call(`${ORIGIN}/api/auth${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

    const signUp = await post("/sign-up/email", { email, password: PASSWORD, name: "Ada" });
    expect(signUp.status, await signUp.clone().text()).toBe(200);
    expect(await env.DB.prepare("select name from user where email = ?").bind(email).first()).toEqual({ name: "Ada" });
    expect(outbox.findLast((mail) => mail.to === email)?.kind).toBe("verify-email");

    const signIn = await post("/sign-in/email", { email, password: PASSWORD });
    expect(signIn.status, await signIn.clone().text()).toBe(200);
    expect(sessionCookie(signIn)).toBeDefined();

    const session = await call(`${ORIGIN}/api/auth/get-session`);
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ user: { email, name: "Ada" } });

    // The passkey plugin, installed with the documented overrides, answers with the configured relying party.
    const registration = await call(`${ORIGIN}/api/auth/passkey/generate-register-options`);
    expect(registration.status, await registration.clone().text()).toBe(200);
    expect(await registration.json()).toMatchObject({ rp: { id: "127.0.0.1", name: "Artifact" } });
  });

  it("signs up, signs in and reads the session through @acme/auth-d1/client", async () => {
    const email = `client-${crypto.randomUUID()}@example.com`;
    const client = createAuthClient({
      baseURL: ORIGIN,
      plugins: [clientPresets.twoFactor(), clientPresets.organization(), clientPresets.admin(), clientPresets.jwt(), passkeyClient()],
      fetchOptions: { customFetchImpl: browserFetch(worker) },
    });

    expect((await client.signUp.email({ email, password: PASSWORD, name: "Grace" })).error).toBeNull();
    expect((await client.signIn.email({ email, password: PASSWORD })).error).toBeNull();
    const { data, error } = await client.getSession();
    expect(error).toBeNull();
    expect(data?.user).toMatchObject({ email, name: "Grace" });
  });
});
