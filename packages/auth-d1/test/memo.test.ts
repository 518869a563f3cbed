import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { adapters, countingD1, PASSWORD, TestClient, uniqueEmail } from "./support/index.js";

describe.each(adapters)("$name createAuth on every request", ({ createAuth }) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("warns once, at the fourth new options object for one env, that options belong at module scope", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const workerEnv = { ...env }; // counted per env: a fresh one starts from zero
    for (let request = 1; request <= 3; request++) createAuth(workerEnv, { session: { expiresIn: 3600 } });
    expect(warn).not.toHaveBeenCalled();
    createAuth(workerEnv, { session: { expiresIn: 3600 } });
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]![0]).toMatch(/^\[auth-d1\] createAuth\(env, options\) received a new options object .* Define the options once at module scope\.$/);
    for (let request = 1; request <= 4; request++) createAuth(workerEnv, { session: { expiresIn: 3600 } });
    expect(warn).toHaveBeenCalledOnce();
  });

  it("does not warn when the options object is the same on every request", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const workerEnv = { ...env };
    const options = { session: { expiresIn: 3600 } };
    for (let request = 1; request <= 8; request++) createAuth(workerEnv, options);
    createAuth(workerEnv);
    expect(warn).not.toHaveBeenCalled();
  });

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
    await client.post("/sign-up/email", { email: uniqueEmail("memo"), password: PASSWORD, name: "Memo" });

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
