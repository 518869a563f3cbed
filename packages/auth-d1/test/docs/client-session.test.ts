/**
 * docs/troubleshooting.md, "The session in the client does not show a change": better-auth's client keeps
 * the session in a store that it refreshes after its own session-changing calls (update-user among them),
 * not after changes it cannot see. `refetch()` or `$store.notify("$sessionSignal")` refresh it by hand.
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { createAuthClient } from "../../src/client/index.js";
import { createAuth } from "../../src/drizzle.js";
import { ORIGIN, PASSWORD, uniqueEmail } from "../support/index.js";

/** `fetch` as a browser on ORIGIN: an Origin header, and the session cookie kept between calls. */
function browserFetch(): typeof fetch {
  let cookie: string | undefined;
  return async (input, init) => {
    const request = new Request(input, init);
    request.headers.set("origin", ORIGIN);
    if (cookie !== undefined) request.headers.set("cookie", cookie);
    const response = await createAuth(env).handler(request);
    const set = response.headers.getSetCookie().find((line) => line.startsWith("better-auth.session_token="));
    if (set) cookie = set.split(";")[0];
    return response;
  };
}

describe("the client's session store", () => {
  it("follows the client's own updateUser, misses a change made elsewhere, and catches up on refetch or notify", async () => {
    const email = uniqueEmail("client-store");
    const authClient = createAuthClient({ baseURL: ORIGIN, fetchOptions: { customFetchImpl: browserFetch() } });
    expect((await authClient.signUp.email({ email, password: PASSWORD, name: "Ada" })).error).toBeNull();

    const names: Array<string | undefined> = [];
    const unsubscribe = authClient.useSession.subscribe((state) => names.push(state.data?.user.name));
    const current = () => authClient.useSession.get().data?.user.name;
    await vi.waitFor(() => expect(current()).toBe("Ada"));

    // The client's own call: the store refreshes by itself.
    expect((await authClient.updateUser({ name: "Grace" })).error).toBeNull();
    await vi.waitFor(() => expect(current()).toBe("Grace"));

    // A change the client does not see: your own endpoint, a server-side auth.api call, an admin.
    await env.DB.prepare("UPDATE user SET name = 'Hopper' WHERE email = ?").bind(email).run();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(current()).toBe("Grace");

    authClient.$store.notify("$sessionSignal");
    await vi.waitFor(() => expect(current()).toBe("Hopper"));

    await env.DB.prepare("UPDATE user SET name = 'Lovelace' WHERE email = ?").bind(email).run();
    await authClient.useSession.get().refetch();
    await vi.waitFor(() => expect(current()).toBe("Lovelace"));
    unsubscribe();
    expect(names).toContain("Grace");
  });
});
