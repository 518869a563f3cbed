// docs/client.md, "From Node": better-auth's client in Node (a server, a CLI, a test) against a real Worker
// under `wrangler dev`. Node's fetch sends `Sec-Fetch-Mode: cors` and no Origin, so better-auth refuses
// sign-up with 403 MISSING_OR_NULL_ORIGIN; with an Origin but no cookie jar, a sign-in does not stick; with
// docs/scripts/node-fetch.ts both work, down to enabling two-factor and signing out.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeFetch } from "../../../docs/scripts/node-fetch.js";
import { ensureBuilt, PACKAGE_ROOT } from "./fixtures/built-package.js";
import { expectSuccess, freePort, MINUTE, run, startServer, type RunningServer } from "./fixtures/commands.js";

type ClientModule = typeof import("../src/client/index.js");
type ClientPresetsModule = typeof import("../src/client/presets.js");

const WRANGLER = join(PACKAGE_ROOT, "node_modules", ".bin", "wrangler");
const PASSWORD = "correct horse battery staple";

let state = "";
let server: RunningServer | undefined;
let baseURL = "";
let createAuthClient: ClientModule["createAuthClient"];
let clientPresets: ClientPresetsModule;

beforeAll(async () => {
  await ensureBuilt();
  // The built client, what users import as @acme/auth-d1/client.
  ({ createAuthClient } = (await import(join(PACKAGE_ROOT, "dist", "client.js"))) as ClientModule);
  clientPresets = (await import(join(PACKAGE_ROOT, "dist", "client", "presets.js"))) as ClientPresetsModule;
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  state = await mkdtemp(join(tmpdir(), "auth-d1-node-client-"));
  const config = {
    name: "auth-d1-node-client",
    main: join(PACKAGE_ROOT, "test", "fixtures", "node-client-worker.js"),
    compatibility_date: "2026-11-01",
    compatibility_flags: ["nodejs_compat"],
    d1_databases: [{ binding: "DB", database_name: "auth-d1-node-client", database_id: "local", migrations_dir: join(PACKAGE_ROOT, "migrations") }],
  };
  await writeFile(join(state, "wrangler.json"), JSON.stringify(config, null, 2));
  await writeFile(join(state, ".dev.vars"), `BETTER_AUTH_SECRET=${randomBytes(32).toString("base64")}\nBETTER_AUTH_URL=${baseURL}\n`);
  const options = { cwd: state, env: { CI: "true", WRANGLER_LOG_PATH: join(state, "logs") } };
  expectSuccess(await run(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", join(state, "d1")], options, 2 * MINUTE));
  server = await startServer(
    WRANGLER,
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", join(state, "d1"), "--show-interactive-dev-session=false"],
    options,
    `${baseURL}/api/auth/ok`,
  );
}, 4 * MINUTE);

afterAll(async () => {
  await server?.stop();
  if (state !== "") await rm(state, { recursive: true, force: true });
});

function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString("hex")}@example.com`;
}

describe("better-auth's client in Node, against a Worker under wrangler dev", () => {
  it("as is: sign-up gets 403 MISSING_OR_NULL_ORIGIN, since Node's fetch sends Sec-Fetch-Mode and no Origin", async () => {
    const authClient = createAuthClient({ baseURL });
    const { error } = await authClient.signUp.email({ email: uniqueEmail("no-origin"), password: PASSWORD, name: "Ada" });
    expect(error).toMatchObject({ status: 403, code: "MISSING_OR_NULL_ORIGIN" });
  });

  it("with an Origin header only: sign-up and sign-in work, but without a cookie jar the session is lost", async () => {
    const authClient = createAuthClient({ baseURL, fetchOptions: { headers: { origin: baseURL } } });
    const email = uniqueEmail("origin-only");
    expect((await authClient.signUp.email({ email, password: PASSWORD, name: "Ada" })).error).toBeNull();
    expect((await authClient.signIn.email({ email, password: PASSWORD })).error).toBeNull();
    expect((await authClient.getSession()).data).toBeNull();
  });

  it("with nodeFetch from the docs: signs up, reads the session, enables two-factor and signs out", async () => {
    const authClient = createAuthClient({ baseURL, plugins: [clientPresets.twoFactor()], fetchOptions: { customFetchImpl: nodeFetch(baseURL) } });
    const email = uniqueEmail("node-fetch");
    const signedUp = await authClient.signUp.email({ email, password: PASSWORD, name: "Ada" });
    expect(signedUp.error).toBeNull();
    expect((await authClient.getSession()).data?.user.email).toBe(email);

    // A POST with the session cookie: better-auth checks its Origin against BETTER_AUTH_URL.
    const enabled = await authClient.twoFactor.enable({ password: PASSWORD });
    expect(enabled.error).toBeNull();
    expect(enabled.data?.method).toBe("totp");
    const totpURI = enabled.data?.method === "totp" ? enabled.data.totpURI : "";
    expect(new URL(totpURI).searchParams.get("issuer")).toBe("Node client test");

    expect((await authClient.signOut()).error).toBeNull();
    expect((await authClient.getSession()).data).toBeNull();
  });

  it("with nodeFetch: signs in an existing user, each client with its own session", async () => {
    const email = uniqueEmail("sign-in");
    const first = createAuthClient({ baseURL, fetchOptions: { customFetchImpl: nodeFetch(baseURL) } });
    expect((await first.signUp.email({ email, password: PASSWORD, name: "Grace" })).error).toBeNull();
    const second = createAuthClient({ baseURL, fetchOptions: { customFetchImpl: nodeFetch(baseURL) } });
    expect((await second.getSession()).data).toBeNull();
    expect((await second.signIn.email({ email, password: PASSWORD })).error).toBeNull();
    expect((await second.getSession()).data?.user.name).toBe("Grace");
  });
});
