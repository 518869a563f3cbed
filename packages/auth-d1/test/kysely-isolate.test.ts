import { exports as workerExports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ORIGIN, PASSWORD, uniqueEmail } from "./support/index.js";

// The package has no wrangler config to type its main module's exports from.
const worker = (workerExports as unknown as { default: Fetcher }).default;

// Each call is a separate request to one Worker isolate whose Kysely instances live at module scope.
async function call(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`));
  return { status: res.status, body: await res.json() };
}

describe("the Kysely entry's dialect in a shared isolate", () => {
  it("stays healthy for the next request after a query fails among parallel ones", async () => {
    const failed = await call("/parallel-with-failure");
    expect(failed.status).toBe(500);
    expect(failed.body.message).toContain("no_such_table");

    for (let i = 0; i < 3; i++) {
      const next = await call("/count-users");
      expect(next.status).toBe(200);
      expect(next.body.users).toEqual(expect.any(Number));
    }
  });

  it("runs the queries of concurrent requests at the same time", async () => {
    const signUp = await worker.fetch(
      new Request(`${ORIGIN}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ email: uniqueEmail("isolate"), password: PASSWORD, name: "Isolate" }),
      }),
    );
    expect(signUp.status).toBe(200);
    const headers = { cookie: signUp.headers.getSetCookie().map((cookie: string) => cookie.split(";")[0]).join("; ") };
    await call("/gate/arm");
    // Two concurrent get-session requests through createAuth's Kysely entry; each D1 statement waits until
    // one of the other request is in flight beside it, which only happens if the two requests' queries overlap.
    const [a, b] = await Promise.all([
      worker.fetch(new Request(`${ORIGIN}/api/auth/get-session`, { headers })),
      worker.fetch(new Request(`${ORIGIN}/api/auth/get-session`, { headers })),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await a.json<{ user: { name: string } }>()).user.name).toBe("Isolate");
    expect((await call("/gate")).body.maxRequests).toBe(2);
  });
});
