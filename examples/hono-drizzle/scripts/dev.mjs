// `pnpm dev`: gets the local Worker ready, then runs `wrangler dev` on 127.0.0.1:8787.
// 1. applies the migrations to the local D1 database (.wrangler/state);
// 2. writes .dev.vars with a fresh random BETTER_AUTH_SECRET if there is none (an existing one is kept);
// 3. starts wrangler dev, which prints the Worker's console.log lines, so mailed links show up there.
// Wrangler runs with telemetry and the Request.cf download switched off: local development needs no network.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const host = "127.0.0.1";
const port = "8787";
const url = `http://${host}:${port}`;
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
} else {
  const secret = randomBytes(32).toString("base64");
  writeFileSync(devVars, `BETTER_AUTH_SECRET=${secret}\nBETTER_AUTH_URL=${url}\n`, { mode: 0o600 });
  console.log("[dev] wrote .dev.vars with a new random BETTER_AUTH_SECRET");
}

console.log(`
[dev] The Worker listens on ${url}
[dev]   auth endpoints: ${url}/api/auth/*   (sign-up/email, sign-in/email, get-session, ...)
[dev]   protected route: ${url}/api/me
[dev] No mail is sent: verification and password-reset links are printed in this log as "[mail] ...".
`);

const wrangler = spawn("wrangler", ["dev", "--ip", host, "--port", port], { cwd: root, env, shell, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => wrangler.kill(signal));
}
wrangler.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
