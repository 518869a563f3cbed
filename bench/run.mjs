#!/usr/bin/env node
/**
 * `pnpm bench`: our Workers beside plain better-auth and hand-wired better-auth/minimal, each under
 * `wrangler dev` on 127.0.0.1 with a fresh local D1. Prints one side-by-side table and writes
 * docs/performance.md from the run.
 *
 *   node bench/run.mjs [--iterations N] [--hash-iterations N] [--startup-runs N] [--workers a,b] [--no-write]
 *   node bench/run.mjs --smoke   one request per endpoint on three Workers side by side (ours drizzle and
 *                                kysely with every preset, minimal drizzle); no new-isolate restart, no
 *                                bundles; exits non-zero on any failure. `--workers` picks others.
 *
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bundleSize, startupCpu } from "./lib/bundle.mjs";
import { measureEndpoints, measureNewIsolate } from "./lib/flows.mjs";
import { printTable, renderMarkdown } from "./lib/report.mjs";
import { migrate, startServer } from "./lib/server.mjs";

/** Every Worker of the bench; `versus` names the baselines its figures are compared with. */
export const WORKERS = [
  { name: "ours-drizzle-core", label: "ours drizzle, core", presets: false, versus: ["minimal-drizzle-core"] },
  { name: "ours-drizzle-presets", label: "ours drizzle, every preset", presets: true, versus: ["minimal-drizzle", "better-auth-drizzle"] },
  { name: "ours-drizzle-replicas", label: "ours drizzle, every preset, `readReplication: true`", presets: true, versus: ["minimal-drizzle", "ours-drizzle-presets"] },
  { name: "ours-kysely-core", label: "ours kysely, core", presets: false, versus: ["minimal-kysely-core"] },
  { name: "ours-kysely-presets", label: "ours kysely, every preset", presets: true, versus: ["minimal-kysely", "better-auth-drizzle"] },
  { name: "better-auth-drizzle", label: "better-auth (plain), drizzle, every plugin", presets: true, versus: [] },
  { name: "minimal-drizzle", label: "better-auth/minimal, drizzle, every plugin", presets: true, versus: [] },
  { name: "minimal-kysely", label: "better-auth/minimal, kysely-d1, every plugin", presets: true, versus: [] },
  { name: "minimal-drizzle-core", label: "better-auth/minimal, drizzle, core", presets: false, versus: [] },
  { name: "minimal-kysely-core", label: "better-auth/minimal, kysely-d1, core", presets: false, versus: [] },
];
// ours-drizzle-replicas is left out: a fourth Worker side by side on two busy cores took the smoke from
// 53 s to 80-88 s; smoke it alone with `--smoke --workers ours-drizzle-replicas` (about 25 s).
const SMOKE_WORKERS = ["ours-drizzle-presets", "ours-kysely-presets", "minimal-drizzle"];

const { values: args } = parseArgs({
  options: {
    iterations: { type: "string", default: "20" },
    "hash-iterations": { type: "string", default: "8" },
    "startup-runs": { type: "string", default: "5" },
    workers: { type: "string" },
    smoke: { type: "boolean", default: false },
    "no-write": { type: "boolean", default: false },
    "skip-bundle": { type: "boolean", default: false },
  },
});

const smoke = args.smoke;
const iterations = smoke ? 1 : Number(args.iterations);
const hashIterations = smoke ? 1 : Math.min(Number(args["hash-iterations"]), iterations);
const startupRuns = Number(args["startup-runs"]);
const selected = args.workers ? args.workers.split(",") : smoke ? SMOKE_WORKERS : WORKERS.map((worker) => worker.name);
const workers = WORKERS.filter((worker) => selected.includes(worker.name));
const skipBundle = smoke || args["skip-bundle"];
const benchDir = fileURLToPath(new URL(".", import.meta.url));
const started = Date.now();

const results = {};

/** Measures one Worker: its endpoints, a new isolate, then (unless skipped) its bundle and start-up. */
async function benchOne(worker) {
  const workerDir = join(benchDir, "workers", worker.name);
  const persistTo = mkdtempSync(join(tmpdir(), `auth-d1-bench-${worker.name}-`));
  const result = { worker };
  results[worker.name] = result;
  const done = [];
  try {
    await migrate(workerDir, persistTo);
    let server = await startServer(workerDir, persistTo);
    result.cpuProcesses = server.cpuSource;
    try {
      result.samples = await measureEndpoints(server, { presets: worker.presets, iterations, hashIterations, tag: "a" });
    } catch (error) {
      throw new Error(`${error.message}\n--- wrangler dev log ---\n${server.log().slice(-3000)}`);
    } finally {
      server.stop();
    }
    done.push("endpoints");
    // The same database, a new wrangler dev: its first request runs on a new isolate. The smoke leaves this
    // out for time; its first request (an unmeasured sign-up) already runs on a new isolate.
    if (!smoke) {
      server = await startServer(workerDir, persistTo);
      try {
        result.newIsolate = await measureNewIsolate(server, { tag: "a" });
      } finally {
        server.stop();
      }
      done.push("new isolate");
    }
    if (!skipBundle) {
      result.bundle = await bundleSize(workerDir);
      result.startup = await startupCpu(workerDir, startupRuns);
      done.push("bundle", "start-up");
    }
    console.log(`${worker.label}: ${done.join(", ")}`);
  } catch (error) {
    delete result.samples;
    console.log(`${worker.label}: FAILED after ${done.join(", ") || "start"}`);
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    rmSync(persistTo, { recursive: true, force: true });
  }
}

// The smoke checks that every request succeeds, not how fast: its Workers run side by side. The bench
// runs them one at a time, so no Worker's CPU figures share the machine with another's.
if (smoke) await Promise.all(workers.map(benchOne));
else for (const worker of workers) await benchOne(worker);

const seconds = Math.round((Date.now() - started) / 1000);
const command = `node bench/run.mjs ${process.argv.slice(2).join(" ")}`.trim();
const run = { results, workers: WORKERS, iterations, hashIterations, startupRuns, seconds, command, smoke };
printTable(run);
console.log(`\n${smoke ? "smoke" : "bench"} took ${seconds} s`);
if (process.exitCode) process.exit(process.exitCode);
if (!smoke && !args["no-write"]) {
  const docs = fileURLToPath(new URL("../docs/performance.md", import.meta.url));
  writeFileSync(docs, renderMarkdown(run));
  console.log(`wrote docs/performance.md`);
}
