import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { adapters, authPost, PASSWORD, TestClient, uniqueEmail } from "./support/index.js";

/**
 * A unique address that every check before ours accepts (a 64-character local part, DNS labels of at most 63),
 * `length` characters long, so only the length guard can refuse it.
 */
function emailOfLength(length: number): string {
  const last = length - 197; // 64 + "@" + 63 + "." + 63 + "." + last + ".com"
  expect(last).toBeGreaterThan(0);
  expect(last).toBeLessThanOrEqual(63);
  const local = crypto.randomUUID().replaceAll("-", "").padEnd(64, "a");
  return `${local}@${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(last)}.com`;
}

async function userCount(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM user").first<{ n: number }>())!.n;
}

describe.each(adapters)("$name adapter with bad input", ({ name, createAuth, options }) => {
  const auth = () => createAuth(env, options);

  async function signUpRaw(body: BodyInit, contentType = "application/json") {
    const res = await auth().handler(authPost("/sign-up/email", body, { "content-type": contentType }));
    return { status: res.status, body: await res.json<{ code?: unknown; message?: unknown }>() };
  }

  const email = (): string => uniqueEmail(`${name}-bad`);
  it.each([
    ["malformed JSON", (): string => "{\"email\": ", 400, "BAD_REQUEST"],
    ["an empty body", (): string => "", 400, "BAD_REQUEST"],
    ["JSON null", (): string => "null", 400, "VALIDATION_ERROR"],
    ["wrong types", (): string => JSON.stringify({ email: 42, password: true, name: ["x"] }), 400, "VALIDATION_ERROR"],
    ["missing fields", (): string => JSON.stringify({ email: email() }), 400, "VALIDATION_ERROR"],
    ["an invalid email", (): string => JSON.stringify({ email: "not-an-email", password: PASSWORD, name: "A" }), 400, "VALIDATION_ERROR"],
    ["a short password", (): string => JSON.stringify({ email: email(), password: "short", name: "A" }), 400, "PASSWORD_TOO_SHORT"],
    ["a 1 MB name", (): string => JSON.stringify({ email: email(), password: PASSWORD, name: "x".repeat(1024 * 1024) }), 413, "PAYLOAD_TOO_LARGE"],
    ["a 10 KB name", (): string => JSON.stringify({ email: email(), password: PASSWORD, name: "x".repeat(10 * 1024) }), 400, "FIELD_TOO_LONG"],
    ["a valid email of 255 characters", (): string => JSON.stringify({ email: emailOfLength(255), password: PASSWORD, name: "A" }), 400, "FIELD_TOO_LONG"],
  ] as const)("answers %s with a 4xx JSON code and writes nothing", async (_label, body, status, code) => {
    const before = await userCount();
    const res = await signUpRaw(body());
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    expect(typeof res.body.message).toBe("string");
    expect(await userCount()).toBe(before);
  });

  it("takes an email of 254 characters, the most an SMTP path allows (RFC 5321)", async () => {
    const longest = emailOfLength(254);
    const res = await signUpRaw(JSON.stringify({ email: longest, password: PASSWORD, name: "A" }));
    expect(res.status).toBe(200);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM user WHERE email = ?").bind(longest).first("n")).toBe(1);
  });

  it("refuses a body streamed without a length once it passes the limit", async () => {
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const before = await userCount();
    const res = await signUpRaw(stream);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await userCount()).toBe(before);
  });

  it("answers an unsupported content type with 415", async () => {
    const res = await signUpRaw("email=a", "text/plain");
    expect(res.status).toBe(415);
    expect(res.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("refuses an overlong name on update and leaves the row as it was", async () => {
    const client = new TestClient(auth());
    const address = email();
    await client.post("/sign-up/email", { email: address, password: PASSWORD, name: "Short" });
    const res = await client.post("/update-user", { name: "y".repeat(300) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("FIELD_TOO_LONG");
    const row = await env.DB.prepare("SELECT name FROM user WHERE email = ?").bind(address).first<{ name: string }>();
    expect(row!.name).toBe("Short");
  });

  it("answers an unknown endpoint with 404, not 500", async () => {
    const res = await new TestClient(auth()).get("/no-such-endpoint");
    expect(res.status).toBe(404);
  });
});
