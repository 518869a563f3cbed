// `pnpm dev`: gets the local Worker ready, then runs `wrangler dev` on 127.0.0.1:8787 (open http://localhost:8787).
// 1. applies the migrations to the local D1 database (.wrangler/state);
// 2. writes .dev.vars with a fresh random BETTER_AUTH_SECRET, BETTER_AUTH_URL=http://localhost:8787 and
//    TRUSTED_ORIGINS if there is none (an existing one is kept), and then clears the local JWT keys, which
//    an earlier secret encrypted;
// 3. starts wrangler dev, which prints the Worker's console.log lines, so mailed links show up there.
// Wrangler runs with telemetry and the Request.cf download switched off: local development needs no network.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const host = "127.0.0.1";
const port = "8787";
// Browsers refuse passkeys on an IP address, so pages are opened at localhost (which reaches 127.0.0.1).
const url = `http://localhost:${port}`;
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const shell = process.platform === "win32";

// No stdin: wrangler then applies without asking for confirmation, which suits a local database.
const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "auth-d1-example", "--local"], {
  cwd: root,
  env,
  shell,
  stdio: ["ignore", "inherit", "inherit"],
});
if (migrate.error) throw migrate.error;
if (migrate.status !== 0) {
  console.error("[dev] applying the migrations to the local D1 database failed (see above).");
  process.exit(migrate.status ?? 1);
}

const devVars = join(root, ".dev.vars");
if (existsSync(devVars)) {
  console.log("[dev] using the existing .dev.vars");
  if (readFileSync(devVars, "utf8").includes("BETTER_AUTH_URL=http://127.0.0.1")) {
    console.log(`[dev] its BETTER_AUTH_URL is on 127.0.0.1, where browsers refuse passkeys: set BETTER_AUTH_URL=${url} there.`);
  }
} else {
  const secret = randomBytes(32).toString("base64");
  writeFileSync(devVars, `BETTER_AUTH_SECRET=${secret}\nBETTER_AUTH_URL=${url}\nTRUSTED_ORIGINS=http://localhost:5173\n`, { mode: 0o600 });
  console.log("[dev] wrote .dev.vars with a new random BETTER_AUTH_SECRET");
  // JWT signing keys in the local database were encrypted with any earlier secret, and the new one cannot
  // read them (every get-session would fail); presets.jwt makes a new key when none is left.
  const clear = spawnSync("wrangler", ["d1", "execute", "auth-d1-example", "--local", "--command", "DELETE FROM jwks"], {
    cwd: root,
    env,
    shell,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (clear.status !== 0) console.error("[dev] could not clear the old JWT keys from the local database (see above).");
}

// Wrangler's own banner below says "Ready on http://127.0.0.1:8787"; the Worker sends pages opened there to
// localhost (src/loopback.ts), and these lines say which address to use and why.
console.log(`
[dev] Open ${url}
[dev]   wrangler's "Ready on http://${host}:${port}" below is the same server: pages opened there move to
[dev]   ${url}, because browsers allow passkeys on localhost but not on an IP address.
[dev]   pages: ${url}/sign-up  /sign-in  /profile  /organizations
[dev]   API reference: ${url}/api/auth/reference   protected route: ${url}/api/me
[dev] No mail is sent: verification links, invitations and sign-in codes appear in this log as "[mail] ...".
`);

const wrangler = spawn("wrangler", ["dev", "--ip", host, "--port", port], { cwd: root, env, shell, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => wrangler.kill(signal));
}
wrangler.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
