/**
 * docs/troubleshooting.md: the symptoms it describes, as they happen. A database without the migrations
 * answers 500 and logs `no such table: user`; a D1 Sessions API object is refused as the database.
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { createAuth } from "../../src/drizzle.js";
import { isAuthD1Error } from "../../src/errors.js";
import { authPost, ORIGIN, PASSWORD, uniqueEmail } from "../support/index.js";

function signUp(auth: { handler(request: Request): Promise<Response> }): Promise<Response> {
  return auth.handler(authPost("/sign-up/email", JSON.stringify({ email: uniqueEmail("trouble"), password: PASSWORD, name: "Ada" })));
}

/** An error's message and those of its causes, as `wrangler dev` prints them. */
function withCauses(value: unknown): string {
  const parts: string[] = [];
  for (let current = value; current !== undefined && current !== null; current = (current as { cause?: unknown }).cause) {
    parts.push(String(current));
    if (!(current instanceof Error)) break;
  }
  return parts.join(" <- ");
}

describe("troubleshooting symptoms", () => {
  it("without the migrations: sign-up answers 500 and the log says no such table: user", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await signUp(createAuth({ ...env, DB: env.EMPTY_DB }));
    expect(res.status).toBe(500);
    expect(logged.mock.calls.flat().map(withCauses).join("\n")).toMatch(/no such table: user/);
    logged.mockRestore();
  });

  it("a D1 Sessions API object (env.DB.withSession()) is not accepted as the database", () => {
    let thrown: unknown;
    try {
      createAuth({ ...env, DB: env.DB.withSession("first-primary") as unknown as D1Database });
    } catch (error) {
      thrown = error;
    }
    expect(isAuthD1Error(thrown) && thrown.code).toBe("DB_BINDING_INVALID");
    expect((thrown as Error).message).toContain("readReplication: true");
  });

  it("GitHub sign-in uses the credentials from env, our scopes and the scopes asked for at sign-in", async () => {
    const auth = createAuth({ ...env, GITHUB_CLIENT_ID: "id-from-env", GITHUB_CLIENT_SECRET: "secret-from-env" });
    const res = await auth.handler(authPost("/sign-in/social", JSON.stringify({ provider: "github", scopes: ["repo"] })));
    const url = new URL(((await res.json()) as { url: string }).url);
    expect(url.origin + url.pathname).toBe("https://github.com/login/oauth/authorize");
    expect(url.searchParams.get("client_id")).toBe("id-from-env");
    expect(url.searchParams.get("redirect_uri")).toBe(`${ORIGIN}/api/auth/callback/github`);
    expect(url.searchParams.get("scope")?.split(" ")).toEqual(expect.arrayContaining(["read:user", "user:email", "repo"]));
  });
});
