/**
 * Runs the example under `wrangler dev` on a free loopback port, with its own local D1 state and secret, for
 * the browser journey. Nothing of a developer's `.dev.vars` or `.wrangler/` is read or changed.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const EXAMPLE = join(import.meta.dirname, "..", "..");
// The example's own wrangler, whichever folder vitest was started from.
const WRANGLER = join(EXAMPLE, "node_modules", ".bin", "wrangler");
const OFFLINE = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };

export interface RunningWorker {
  /** `http://localhost:<port>`: WebAuthn refuses IP addresses as relying-party ids, so the page is on localhost. */
  url: string;
  /** `http://127.0.0.1:<port>`: the address wrangler's `Ready on` banner prints, which sends pages to `url`. */
  loopbackURL: string;
  /** Every line the Worker logged, mails (`[mail] ...`) included. */
  log: string[];
  /** The run's own local D1 state (`--persist-to`), e.g. for `wrangler d1 execute --local --persist-to`. */
  state: string;
  stop(): Promise<void>;
}

export async function startWorker(): Promise<RunningWorker> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const loopbackURL = `http://127.0.0.1:${port}`;
  const state = mkdtempSync(join(tmpdir(), "auth-d1-browser-"));
  const envFile = join(state, "vars.env");
  writeFileSync(envFile, `BETTER_AUTH_SECRET=${randomBytes(32).toString("base64")}\nBETTER_AUTH_URL=${url}\n`);

  const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "auth-d1-example", "--local", "--persist-to", state], {
    cwd: EXAMPLE,
    env: OFFLINE,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`applying migrations failed:\n${migrate.error ?? ""}${migrate.stdout}\n${migrate.stderr}`);

  const child = spawn(WRANGLER, ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state, "--env-file", envFile, "--show-interactive-dev-session=false"], {
    cwd: EXAMPLE,
    env: OFFLINE,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => log.push(...chunk.split("\n").filter(Boolean)));
  }
  const stop = async (): Promise<void> => {
    await stopGroup(child);
    rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(`${loopbackURL}/`, child, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, loopbackURL, log, state, stop };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitUntilServing(url: string, child: ChildProcess, log: string[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${log.join("\n")}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`wrangler dev did not answer on ${url} within 90 s:\n${log.join("\n")}`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => child.exitCode === null && process.kill(-child.pid!, "SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
