import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { factories, ISO_DATE, PASSWORD, TestClient, uniqueEmail } from "./support/index.js";

const pairs = [
  ["drizzle", "kysely", factories.drizzle, factories.kysely],
  ["kysely", "drizzle", factories.kysely, factories.drizzle],
] as const;

describe.each(pairs)("written by %s, read by %s", (_writer, _reader, createWriter, createReader) => {
  const writer = () => createWriter(env);
  const reader = () => createReader(env);

  it("reads the user and session the other adapter wrote, field for field", async () => {
    const email = uniqueEmail("cross");
    const writing = new TestClient(writer());
    const signUp = await writing.post("/sign-up/email", { email, password: PASSWORD, name: "Cross Over" });
    expect(signUp.status).toBe(200);
    await writing.post("/update-user", { image: "https://example.com/a.png" });
    const written = (await writing.get("/get-session")).body;

    // The same cookie, presented to the other adapter.
    const reading = new TestClient(reader());
    const signIn = await reading.post("/sign-in/email", { email, password: PASSWORD });
    expect(signIn.status).toBe(200);
    expect(signIn.body.user).toEqual(written.user);

    const viaCookie = await new TestClient(reader()).raw("/get-session", { headers: { cookie: `better-auth.session_token=${writing.sessionCookie}` } });
    const read = await viaCookie.json<any>();
    expect(read.user).toEqual(written.user);
    expect(read.session).toEqual(written.session);
  });

  it("stores dates as ISO_DATE text and booleans as integers, whichever adapter writes", async () => {
    const email = uniqueEmail("types");
    await new TestClient(writer()).post("/sign-up/email", { email, password: PASSWORD, name: "Types" });
    const row = await env.DB.prepare(
      "SELECT typeof(u.created_at) AS created, typeof(u.email_verified) AS verified, typeof(s.expires_at) AS expires, s.expires_at FROM user u JOIN session s ON s.user_id = u.id WHERE u.email = ?",
    )
      .bind(email)
      .first<{ created: string; verified: string; expires: string; expires_at: string }>();
    expect(row).toMatchObject({ created: "text", verified: "integer", expires: "text" });
    expect(row!.expires_at).toMatch(ISO_DATE);
  });

  it("agrees on which sessions have expired", async () => {
    const email = uniqueEmail("expiry");
    const first = new TestClient(writer());
    const signUp = await first.post("/sign-up/email", { email, password: PASSWORD, name: "Expiry" });
    const second = new TestClient(writer());
    await second.post("/sign-in/email", { email, password: PASSWORD });
    const past = new Date(Date.now() - 1000).toISOString();
    await env.DB.prepare("UPDATE session SET expires_at = ? WHERE token = ?").bind(past, second.sessionToken).run();

    const listed = await new TestClient(reader()).raw("/list-sessions", { headers: { cookie: `better-auth.session_token=${first.sessionCookie}` } });
    const sessions = await listed.json<Array<{ token: string; userId: string }>>();
    expect(sessions.map((s) => s.token)).toEqual([first.sessionToken]);
    expect(sessions[0]!.userId).toBe(signUp.body.user.id);

    const expired = await new TestClient(reader()).raw("/get-session", { headers: { cookie: `better-auth.session_token=${second.sessionCookie}` } });
    expect(await expired.json()).toBeNull();
    const live = await new TestClient(reader()).raw("/get-session", { headers: { cookie: `better-auth.session_token=${first.sessionCookie}` } });
    expect((await live.json<any>()).user.email).toBe(email);
  });
});
