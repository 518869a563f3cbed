import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { adapters } from "./support/adapters.js";
import { TestClient, uniqueEmail } from "./support/client.js";
import { countingD1 } from "./support/counting-d1.js";

describe.each(adapters)("$name createAuth on every request", ({ createAuth }) => {
  it("returns the same instance for the same env and options", () => {
    const options = {};
    expect(createAuth(env, options)).toBe(createAuth(env, options));
    expect(createAuth(env)).toBe(createAuth(env));
    expect(createAuth(env)).not.toBe(createAuth(env, options));
  });

  it("costs no D1 statement after the first request: no schema check, nothing repeated", async () => {
    const db = countingD1(env.DB);
    const workerEnv = { ...env, DB: db.binding };
    const handler = { handler: (request: Request) => createAuth(workerEnv).handler(request) };
    const client = new TestClient(handler);
    await client.post("/sign-up/email", { email: uniqueEmail("memo"), password: "correct horse battery staple", name: "Memo" });

    const perRequest: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const before = db.statements.length;
      createAuth(workerEnv); // what a fetch handler does on each request
      const res = await client.get("/get-session");
      expect(res.body.user.name).toBe("Memo");
      perRequest.push(db.statements.slice(before));
    }
    expect(perRequest[1]).toEqual(perRequest[0]);
    expect(perRequest[2]).toEqual(perRequest[0]);
    // A get-session is one read of the session joined to its user, or two reads at most.
    expect(perRequest[0]!.length).toBeLessThanOrEqual(2);
    expect(perRequest.flat().some((sql) => /sqlite_master|pragma/i.test(sql))).toBe(false);
  });
});
