import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { createAuth as drizzleAuth } from "../src/drizzle.js";
import { createAuth as kyselyAuth } from "../src/kysely.js";

it.each([["drizzle", drizzleAuth], ["kysely", kyselyAuth]] as const)("%s signs up", async (_name, createAuth) => {
  const auth = createAuth(env);
  const res = await auth.handler(
    new Request("http://localhost:8787/api/auth/sign-up/email", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost:8787" },
      body: JSON.stringify({ email: `${_name}@example.com`, password: "correct horse battery", name: "Ada" }),
    }),
  );
  console.log(res.status, await res.text());
  const rows = await env.DB.prepare("select * from user").all();
  console.log(rows.results);
  expect(res.status).toBe(200);
});
