// `pnpm dev`: readies the local Worker, then runs `wrangler dev` on 127.0.0.1:8788 (the hono-drizzle
// example takes 8787, so both can run at once).
// 1. applies migrations/ to the local D1 database in .wrangler/state;
// 2. writes .dev.vars with a fresh random BETTER_AUTH_SECRET unless one exists (an existing file is kept),
//    and then drops the local JWT keys, which were encrypted with the old secret;
// 3. starts wrangler dev, whose log shows the "[mail] ..." lines sendEmail prints.
// Telemetry and the Request.cf download are off, so none of this needs the network.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cwd = fileURLToPath(new URL("..", import.meta.url));
const host = "127.0.0.1";
const port = "8788";
const origin = `http://${host}:${port}`;
const wranglerOptions = {
  cwd,
  env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  shell: process.platform === "win32",
};

/** Runs `wrangler d1 <args>` on the local database; stdin closed, so wrangler asks nothing. */
function localD1(args, failure) {
  const run = spawnSync("wrangler", ["d1", ...args, "--local"], { ...wranglerOptions, stdio: ["ignore", "inherit", "inherit"] });
  if (run.error) throw run.error;
  if (run.status !== 0) {
    console.error(`[dev] ${failure}; wrangler says why above.`);
    process.exit(run.status ?? 1);
  }
}

localD1(["migrations", "apply", "auth-d1-worker-kysely"], "the local D1 migrations failed");

const devVarsPath = new URL("../.dev.vars", import.meta.url);
if (existsSync(devVarsPath)) {
  console.log("[dev] keeping the existing .dev.vars (BETTER_AUTH_URL there must be the origin tokens are checked against)");
} else {
  writeFileSync(devVarsPath, `BETTER_AUTH_SECRET=${randomBytes(32).toString("base64")}\nBETTER_AUTH_URL=${origin}\n`, { mode: 0o600 });
  console.log("[dev] wrote .dev.vars with a new random BETTER_AUTH_SECRET");
  // Keys left from an earlier .dev.vars cannot be decrypted with the new secret, and /api/auth/token would
  // fail on them; with none left, the JWT preset makes a new key on first use.
  localD1(["execute", "auth-d1-worker-kysely", "--command", "DELETE FROM jwks"], "clearing the old JWT keys failed");
}

console.log(`
[dev] ${origin}
[dev]   better-auth:  ${origin}/api/auth/*  (sign-up/email, sign-in/email, token, jwks, ...)
[dev]   notes API:    ${origin}/api/notes   (Authorization: Bearer <token from /api/auth/token>)
[dev] Mail is not sent: verification and reset links show up below as "[mail] ..." lines.
`);

const dev = spawn("wrangler", ["dev", "--ip", host, "--port", port], { ...wranglerOptions, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
