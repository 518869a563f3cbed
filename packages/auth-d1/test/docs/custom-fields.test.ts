/**
 * docs/schema-and-migrations.md, "Custom user fields": a field declared in `user.additionalFields`, stored in
 * a snake_case column your own migration adds, works on both adapters: sign-up takes it, the session and
 * update-user return it, and the row holds it under `company_name`.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "../../src/kysely.js";
import { PASSWORD, TestClient, uniqueEmail } from "../support/index.js";
import { createAppAuth } from "./custom-fields-drizzle.js";

// The user's own migration. DB is shared by the test files; a nullable column is harmless to the others.
beforeAll(async () => {
  const { results } = await env.DB.prepare("SELECT name FROM pragma_table_info('user') WHERE name = 'company_name'").all();
  if (results.length === 0) await env.DB.prepare("ALTER TABLE user ADD COLUMN company_name text").run();
});

const kyselyOptions = { user: { additionalFields: { companyName: { type: "string", required: false } } } } as const;

const cases = [
  { name: "kysely (createAuth)", auth: () => createAuth(env, kyselyOptions) },
  { name: "drizzle (createAuth with schema)", auth: () => createAppAuth(env) },
];

describe.each(cases)("a custom user field on $name", ({ name, auth }) => {
  it("is taken at sign-up, returned in the session and stored in its snake_case column", async () => {
    const client = new TestClient(auth());
    const email = uniqueEmail(name.split(" ")[0]!);
    const signUp = await client.post("/sign-up/email", { email, password: PASSWORD, name: "Ada", companyName: "Analytical Engines" });
    expect(signUp.status).toBe(200);
    expect(signUp.body.user.companyName).toBe("Analytical Engines");

    const session = await client.get("/get-session");
    expect(session.body.user).toMatchObject({ email, companyName: "Analytical Engines" });

    const row = await env.DB.prepare("SELECT company_name FROM user WHERE email = ?").bind(email).first();
    expect(row).toEqual({ company_name: "Analytical Engines" });
  });

  it("is changed by update-user and read back through auth.api", async () => {
    const client = new TestClient(auth());
    const email = uniqueEmail(name.split(" ")[0]!);
    await client.post("/sign-up/email", { email, password: PASSWORD, name: "Grace" });
    expect((await env.DB.prepare("SELECT company_name FROM user WHERE email = ?").bind(email).first())?.company_name).toBeNull();

    expect((await client.post("/update-user", { companyName: "Navy" })).status).toBe(200);
    const session = await auth().api.getSession({ headers: new Headers({ cookie: `better-auth.session_token=${client.sessionCookie}` }) });
    expect(session?.user.companyName).toBe("Navy");
    expect((await env.DB.prepare("SELECT company_name FROM user WHERE email = ?").bind(email).first())?.company_name).toBe("Navy");
  });
});

describe("the Drizzle entry's createAuth without `schema`", () => {
  it("refuses a field its built-in tables lack, at start-up, which is why the recipe passes its own", async () => {
    const { createAuth: createDrizzleAuth } = await import("../../src/drizzle.js");
    expect(() => createDrizzleAuth(env, kyselyOptions)).toThrow(/^\[auth-d1\] OPTIONS_INVALID: the Drizzle tables passed as `schema` lack what these options need: user\.companyName\./);
  });
});
