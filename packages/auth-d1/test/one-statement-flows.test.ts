/**
 * Flows better-auth runs in a transaction whose only write is one statement: change-password (other sessions
 * kept) and update-user. With a fault at every D1 call, on both adapters, the row is either as before or
 * fully changed, never half-written, and the same request then succeeds.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { factories, faultyD1, one, PASSWORD, TestClient, uniqueEmail, type AdapterName } from "./support/index.js";

const names: AdapterName[] = ["drizzle", "kysely"];

describe.each(names)("%s: one-statement flows with a fault at every D1 call", (name) => {
  const faulty = faultyD1(env.DB);
  const faultEnv = { ...env, DB: faulty.binding };
  const auth = () => factories[name](faultEnv);

  async function signedUp(label: string): Promise<{ client: TestClient; email: string; userId: string }> {
    const client = new TestClient(auth());
    const email = uniqueEmail(`${name}-${label}`);
    const res = await client.post("/sign-up/email", { email, password: PASSWORD, name: "Before" });
    expect(res.status).toBe(200);
    return { client, email, userId: res.body.user.id };
  }

  /** The D1 calls of `request` on a warm instance, unfaulted. */
  async function countCalls(request: (client: TestClient) => Promise<{ status: number }>, label: string): Promise<number> {
    const { client } = await signedUp(`${label}-count`);
    faulty.arm({});
    expect((await request(client)).status).toBe(200);
    return faulty.calls.length;
  }

  it("change-password: the old password or the new one works, never neither, and the same request then succeeds", async () => {
    const NEW = "another horse battery staple";
    const change = (client: TestClient) => client.post("/change-password", { currentPassword: PASSWORD, newPassword: NEW, revokeOtherSessions: false });
    await signedUp("pw-warm");
    const calls = await countCalls(change, "pw");
    for (let k = 1; k <= calls; k++) {
      const { client, email } = await signedUp(`pw-${k}`);
      faulty.arm({ failCall: k });
      const res = await change(client);
      const where = `fault at call ${k} of ${calls}: ${faulty.calls[k - 1]}`;
      faulty.arm({});
      expect(res.status, where).toBeGreaterThanOrEqual(400);
      const signIn = (password: string) => new TestClient(auth()).post("/sign-in/email", { email, password });
      const works = [(await signIn(PASSWORD)).status, (await signIn(NEW)).status].filter((s) => s === 200);
      expect(works, where).toHaveLength(1);
      if ((await signIn(PASSWORD)).status === 200) expect((await change(client)).status, where).toBe(200);
      expect((await signIn(NEW)).status, where).toBe(200);
    }
  });

  it("update-user: the name is the old one or the new one, and the same request then succeeds", async () => {
    const update = (client: TestClient) => client.post("/update-user", { name: "After" });
    await signedUp("upd-warm");
    const calls = await countCalls(update, "upd");
    for (let k = 1; k <= calls; k++) {
      const { client, userId } = await signedUp(`upd-${k}`);
      faulty.arm({ failCall: k });
      const res = await update(client);
      const where = `fault at call ${k} of ${calls}: ${faulty.calls[k - 1]}`;
      faulty.arm({});
      expect(res.status, where).toBeGreaterThanOrEqual(400);
      expect(["Before", "After"], where).toContain((await one<{ name: string }>("SELECT name FROM user WHERE id = ?", userId))!.name);
      expect((await update(client)).status, where).toBe(200);
      expect((await one<{ name: string }>("SELECT name FROM user WHERE id = ?", userId))!.name, where).toBe("After");
    }
  });
});
