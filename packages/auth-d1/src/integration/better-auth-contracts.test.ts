// One test per contract of ./better-auth-contracts.ts, against the installed better-auth: when an upgrade breaks
// one, the failing test names the private format or behaviour that changed.
import { runWithAdapter, runWithTransaction } from "@better-auth/core/context";
import { env } from "cloudflare:test";
import { createAuthEndpoint } from "better-auth/api";
import { admin as adminPlugin } from "better-auth/plugins/admin";
import { describe, expect, it } from "vitest";
import { factories, one, PASSWORD, signedUp, TestClient, uniqueEmail } from "../../test/support/index.js";
import type { AuthEmail } from "../mail.js";
import * as presets from "../presets/index.js";
import { currentAdapterScope, magicLinkIdentifier, replacingCoreEndpoints, withSessionCreateBefore, wrapSchemaCheck, type SchemaCheck } from "./better-auth-contracts.js";

describe.each(["drizzle", "kysely"] as const)("better-auth's contracts on %s", (name) => {
  it("a plugin's endpoint under a core endpoint's key replaces it, in the router and on auth.api", async () => {
    const deleteUser = createAuthEndpoint("/delete-user", { method: "POST" }, async (ctx) => ctx.json({ replaced: true }));
    const auth = factories[name](env, { plugins: [replacingCoreEndpoints("contract-test", { deleteUser })] });
    const { client } = await signedUp(auth, `${name}-contract-core`);
    expect((await client.post("/delete-user", {})).body).toEqual({ replaced: true });
    expect(await (auth.api.deleteUser as unknown as () => Promise<unknown>)()).toEqual({ replaced: true });
  });

  it("the adapter store says whether a transaction is open, and holds the transaction's adapter", async () => {
    const context = await factories[name](env).$context;
    const outside = await currentAdapterScope();
    expect(outside.transactionActive).toBe(false);
    const plain = await runWithAdapter(context.adapter, currentAdapterScope);
    expect(plain).toMatchObject({ transactionActive: false });
    const inside = await runWithTransaction(context.adapter, currentAdapterScope);
    expect(inside.transactionActive).toBe(true);
    expect(inside.adapter).toBeDefined();
    expect(inside.adapter).not.toBe(context.adapter);
  });

  it.each(["hashed", "plain"] as const)("the magic-link plugin stores its token %s under the identifier we compute", async (storeToken) => {
    const outbox: AuthEmail[] = [];
    const auth = factories[name](env, { sendEmail: (mail: AuthEmail) => void outbox.push(mail), plugins: [presets.magicLink({ storeToken })] });
    const email = uniqueEmail(`${name}-contract-ml`);
    expect((await new TestClient(auth).post("/sign-in/magic-link", { email })).status).toBe(200);
    const mail = outbox.find((sent: AuthEmail) => sent.kind === "magic-link" && sent.to === email) as Extract<AuthEmail, { kind: "magic-link" }>;
    const row = await one<{ identifier: string }>("SELECT identifier FROM verification WHERE identifier = ?", await magicLinkIdentifier(mail.token, storeToken));
    expect(row, "a verification row under magicLinkIdentifier(token)").toBeDefined();
  });

  it("the admin plugin creates sessions through a `before` hook its init returns, which a wrapper replaces", async () => {
    const paths: Array<string | undefined> = [];
    const plugin = withSessionCreateBefore(adminPlugin(), (before) => async (session, ctx) => {
      paths.push(ctx?.path);
      return before(session, ctx);
    });
    const auth = factories[name](env, { plugins: [plugin] });
    const user = await signedUp(auth, `${name}-contract-admin`);
    expect((await new TestClient(auth).post("/sign-in/email", { email: user.email, password: PASSWORD })).status).toBe(200);
    expect(paths).toEqual(["/sign-up/email", "/sign-in/email"]);
  });

  it("the auth context carries the schema check, with the adapter it checks for, which a wrapper replaces", async () => {
    const context = await factories[name](env).$context;
    const check = (context as { checkSchema?: SchemaCheck }).checkSchema;
    expect(check, "context.checkSchema").toBeTypeOf("function");
    // What schema-hint.ts tells Drizzle's tables from the database by.
    const source = { drizzle: "drizzle", kysely: "database" }[name];
    expect(check!.source).toBe(source);
    let called = 0;
    wrapSchemaCheck(context, (inner) => () => {
      called++;
      return inner();
    });
    await (context as { checkSchema?: SchemaCheck }).checkSchema!();
    expect(called).toBe(1);
    expect((context as { checkSchema?: SchemaCheck }).checkSchema!.source).toBe(source);
  });
});
