// `pnpm load`: concurrent sign-ins and session reads against this example under `wrangler dev` on a free
// 127.0.0.1 port, with its own local D1 state (nothing of yours is read or changed). Bounded in time and in
// requests; prints throughput, latencies, errors and the rows of each table before and after. Exits 1 on any
// 5xx or failed request.
//
//   node scripts/load.mjs [--seconds 60] [--concurrency 8] [--users 20]
//
// Node 22.18+ runs it as it is (it imports the browser journey's TypeScript worker runner).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startWorker } from "../test/browser/worker.ts";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "60" }, concurrency: { type: "string", default: "8" }, users: { type: "string", default: "20" } },
});
const seconds = bounded(values.seconds, 1, 300, "seconds");
const concurrency = bounded(values.concurrency, 1, 32, "concurrency");
const users = bounded(values.users, 1, 200, "users");
/** However fast the machine, a run never sends more than this. */
const MAX_REQUESTS = 200_000;
const PASSWORD = "correct horse battery staple";
const EXAMPLE = join(import.meta.dirname, "..");

function bounded(text, min, max, name) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, not ${text}`);
  return value;
}

const worker = await startWorker();
let failed = false;
try {
  const before = rowCounts(worker.state);
  const emails = [];
  for (let i = 0; i < users; i++) {
    const email = `load-${i}-${crypto.randomUUID()}@example.com`;
    const res = await post(worker.url, "/api/auth/sign-up/email", { email, password: PASSWORD, name: `Load ${i}` });
    if (res.status !== 200) throw new Error(`sign-up answered ${res.status}: ${await res.text()}`);
    emails.push(email);
  }

  const stats = new Map(); // "POST /sign-in/email 200" -> count
  const latencies = { "sign-in": [], "get-session": [] };
  let sent = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const count = (key) => stats.set(key, (stats.get(key) ?? 0) + 1);
  const timed = async (kind, call) => {
    const at = performance.now();
    try {
      const res = await call();
      latencies[kind].push(performance.now() - at);
      count(`${kind} ${res.status}`);
      if (res.status >= 500) failed = true;
      return res;
    } catch (error) {
      count(`${kind} failed: ${error instanceof Error ? error.message : error}`);
      failed = true;
      return undefined;
    }
  };
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      for (let round = 0; performance.now() < deadline && sent < MAX_REQUESTS; round++) {
        const email = emails[(lane + round * concurrency) % emails.length];
        sent += 1;
        const signIn = await timed("sign-in", () => post(worker.url, "/api/auth/sign-in/email", { email, password: PASSWORD }));
        if (signIn?.status !== 200) continue;
        const cookie = signIn.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
        for (let read = 0; read < 4 && performance.now() < deadline; read++) {
          sent += 1;
          const session = await timed("get-session", () => fetch(`${worker.url}/api/auth/get-session`, { headers: { cookie } }));
          if (session) await session.body?.cancel();
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const after = rowCounts(worker.state);

  console.log(`[load] ${seconds} s, ${concurrency} concurrent clients, ${users} users, against ${worker.url}`);
  console.log(`[load] ${sent} requests in ${elapsed.toFixed(1)} s: ${(sent / elapsed).toFixed(1)} requests/s`);
  for (const [kind, list] of Object.entries(latencies)) {
    const sorted = list.sort((a, b) => a - b);
    const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1) : "-");
    console.log(`[load] ${kind}: ${sorted.length} answered, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms`);
  }
  for (const [key, n] of [...stats].sort()) console.log(`[load]   ${key}: ${n}`);
  const errors = [...stats].filter(([key]) => / failed|\s5\d\d$/.test(key)).reduce((sum, [, n]) => sum + n, 0);
  console.log(`[load] errors (5xx or no answer): ${errors}`);
  console.log(`[load] rows before: ${JSON.stringify(before)}`);
  console.log(`[load] rows after:  ${JSON.stringify(after)}`);
} catch (error) {
  failed = true;
  console.error(`[load] ${error instanceof Error ? error.stack : error}`);
} finally {
  await worker.stop();
}
process.exit(failed ? 1 : 0);

async function post(base, path, body) {
  return fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify(body) });
}

/** The rows of each auth table in the run's local D1, read with wrangler. */
function rowCounts(state) {
  const tables = ["user", "account", "session", "verification", "rate_limit"];
  const command = `SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t}") AS "${t}"`).join(", ")}`;
  const run = spawnSync(join(EXAMPLE, "node_modules", ".bin", "wrangler"), ["d1", "execute", "auth-d1-example", "--local", "--persist-to", state, "--json", "--command", command], {
    cwd: EXAMPLE,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`wrangler d1 execute failed:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout)[0].results[0];
}
