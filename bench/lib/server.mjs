/**
 * One bench Worker under `wrangler dev` on 127.0.0.1: migrations into a fresh local D1, a free port, the
 * workerd process whose CPU the bench reads, and a stop that kills the whole process group.
 *
 * @module
 */
import { execFile, spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
export const WRANGLER = fileURLToPath(new URL("../node_modules/.bin/wrangler", import.meta.url));
/** Wrangler stays offline: no telemetry, no download of the Request.cf data. */
export const OFFLINE_ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" };

/** Every server still running, stopped on exit or a signal whatever happens. */
const running = new Set();
function stopAll() {
  for (const server of running) server.stop();
}
process.on("exit", stopAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}

/** A port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Applies the Worker's migrations to a local D1 kept in `persistTo`. */
export async function migrate(workerDir, persistTo) {
  await run(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], { cwd: workerDir, env: OFFLINE_ENV });
}

/** Starts `wrangler dev` for the Worker in `workerDir`; resolves once it answers. */
export async function startServer(workerDir, persistTo) {
  const port = await freePort();
  // Its own inspector port too: two servers side by side (the smoke) would both take the default one.
  const inspectorPort = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    WRANGLER,
    ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort), "--persist-to", persistTo, "--var", `BETTER_AUTH_URL:${base}`, "--show-interactive-dev-session=false", "--log-level", "warn"],
    { cwd: workerDir, env: OFFLINE_ENV, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout.on("data", (chunk) => (log += chunk));
  child.stderr.on("data", (chunk) => (log += chunk));
  const server = {
    base,
    port,
    pid: child.pid,
    log: () => log,
    stop() {
      running.delete(server);
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    },
  };
  running.add(server);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`[auth-d1 bench] wrangler dev in ${workerDir} exited:\n${log}`);
    try {
      const response = await fetch(`${base}/bench/ready`);
      if (response.status === 404) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      server.stop();
      throw new Error(`[auth-d1 bench] wrangler dev in ${workerDir} did not answer within 60 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const processes = workerProcesses(child.pid, port);
  server.cpuPids = processes.pids;
  server.cpuSource = processes.source;
  return server;
}

/**
 * The workerd process(es) running the Worker itself. `wrangler dev` starts two: one for its proxy, which
 * owns the public port, and one for the Worker; the Worker's is the one that does not own the port. If that
 * cannot be told, all of them.
 */
function workerProcesses(rootPid, port) {
  const parents = new Map();
  const names = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      names.set(Number(entry), stat.slice(stat.indexOf("(") + 1, close));
      parents.set(Number(entry), Number(stat.slice(close + 2).split(" ")[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const descends = (pid) => {
    for (let current = pid; current > 1; current = parents.get(current) ?? 0) if (current === rootPid) return true;
    return false;
  };
  const workerds = [...names].filter(([pid, name]) => name === "workerd" && descends(pid)).map(([pid]) => pid);
  const listening = listeningInodes(port);
  const proxies = workerds.filter((pid) => socketInodes(pid).some((inode) => listening.has(inode)));
  const workers = workerds.filter((pid) => !proxies.includes(pid));
  if (workers.length > 0 && proxies.length > 0) return { pids: workers, source: `${workers.length} workerd (proxy's left out)` };
  return { pids: workerds, source: `${workerds.length} workerd (proxy not told apart)` };
}

function listeningInodes(port) {
  const inodes = new Set();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns.length < 10) continue;
      const localPort = parseInt(columns[1].split(":")[1], 16);
      if (localPort === port && columns[3] === "0A") inodes.add(columns[9]);
    }
  }
  return inodes;
}

function socketInodes(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return match ? [match[1]] : [];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** CPU time in nanoseconds the processes' threads have run (schedstat's first field, summed over threads). */
export function cpuNanoseconds(pids) {
  let total = 0;
  for (const pid of pids) {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // The thread ended meanwhile.
      }
    }
  }
  return total;
}
