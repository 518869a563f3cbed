/**
 * The bench's tables: in the terminal, and as docs/performance.md.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { ENDPOINTS } from "./flows.mjs";
import { targetChecks } from "./targets.mjs";

export function quantile(values, q) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
export const median = (values) => quantile(values, 0.5);

/** Per Worker and endpoint: D1 trips and statements (the same every sample unless noted), CPU and wall ms. */
export function summarize(samples) {
  if (!samples || samples.length === 0) return undefined;
  const trips = [...new Set(samples.map((sample) => sample.trips))];
  const statements = [...new Set(samples.map((sample) => sample.statements))];
  return {
    trips: median(samples.map((sample) => sample.trips)),
    tripsVary: trips.length > 1 ? `${Math.min(...trips)}-${Math.max(...trips)}` : undefined,
    statements: median(samples.map((sample) => sample.statements)),
    replicaEligible: spread(samples.map((sample) => sample.replicaEligible ?? 0)),
    primarySession: spread(samples.map((sample) => sample.primarySession ?? 0)),
    bookmarkHeaderBytes: spread(samples.map((sample) => sample.bookmarkHeaderBytes ?? 0)),
    bookmarkBytes: spread(samples.map((sample) => sample.bookmarkBytes ?? 0)),
    bookmarkSentBytes: spread(samples.map((sample) => sample.bookmarkSentBytes ?? 0)),
    cpuMedian: median(samples.map((sample) => sample.cpuMs)),
    cpuP95: quantile(samples.map((sample) => sample.cpuMs), 0.95),
    jsMedian: samples.every((sample) => sample.jsMs !== undefined) ? median(samples.map((sample) => sample.jsMs)) : undefined,
    jsP95: samples.every((sample) => sample.jsMs !== undefined) ? quantile(samples.map((sample) => sample.jsMs), 0.95) : undefined,
    wallMedian: median(samples.map((sample) => sample.wallMs)),
    count: samples.length,
  };
}

/** The median, with the range when samples differed: `3`, or `3 (2-4)`. */
function spread(values) {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? String(low) : `${median(values)} (${low}-${high})`;
}

const fixed = (value, digits = 1) => (value === undefined ? "—" : value.toFixed(digits));
const ratio = (ours, base) => (ours === undefined || base === undefined || base === 0 ? "—" : `×${(ours / base).toFixed(2)}`);

function d1Cell(summary) {
  if (!summary) return "—";
  return `${summary.tripsVary ?? summary.trips} / ${summary.statements}`;
}
function cpuCell(summary) {
  return summary ? `${fixed(summary.cpuMedian)} (${fixed(summary.cpuP95)})` : "—";
}
function jsCell(summary) {
  return summary?.jsMedian !== undefined ? `${fixed(summary.jsMedian)} (${fixed(summary.jsP95)})` : "—";
}

/** Rows of [label, ...cells] for every endpoint some measured Worker has. */
function endpointRows(run, workers, cell) {
  return ENDPOINTS.filter((endpoint) => workers.some((worker) => run.results[worker.name]?.samples?.[endpoint.id])).map((endpoint) => [
    endpoint.label,
    ...workers.map((worker) => cell(summarize(run.results[worker.name]?.samples?.[endpoint.id]), worker, endpoint)),
  ]);
}

/** The comparison rows: each of our Workers against each of its baselines, per endpoint. */
function comparisonRows(run) {
  const rows = [];
  for (const worker of run.workers) {
    const ours = run.results[worker.name];
    if (!ours?.samples) continue;
    for (const baseName of worker.versus) {
      const base = run.results[baseName];
      if (!base?.samples) continue;
      for (const endpoint of ENDPOINTS.filter((candidate) => candidate.id !== "floor")) {
        const a = summarize(ours.samples[endpoint.id]);
        const b = summarize(base.samples[endpoint.id]);
        if (!a || !b) continue;
        rows.push([`${worker.name} vs ${baseName}`, endpoint.label, `${d1Cell(a)} vs ${d1Cell(b)}`, `${fixed(a.cpuMedian)} vs ${fixed(b.cpuMedian)} (${ratio(a.cpuMedian, b.cpuMedian)})`, `${fixed(a.wallMedian)} vs ${fixed(b.wallMedian)} (${ratio(a.wallMedian, b.wallMedian)})`]);
      }
      if (ours.bundle && base.bundle) rows.push([`${worker.name} vs ${baseName}`, "bundle, minified gzip KiB", "", `${fixed(ours.bundle.gzipKiB)} vs ${fixed(base.bundle.gzipKiB)} (${ratio(ours.bundle.gzipKiB, base.bundle.gzipKiB)})`, ""]);
      if (ours.startup && base.startup) rows.push([`${worker.name} vs ${baseName}`, "start-up CPU ms (median)", "", `${fixed(median(ours.startup))} vs ${fixed(median(base.startup))} (${ratio(median(ours.startup), median(base.startup))})`, ""]);
    }
  }
  return rows;
}

function perWorkerRows(run, workers) {
  return workers.map((worker) => {
    const result = run.results[worker.name];
    const isolate = result?.newIsolate;
    return [
      worker.name,
      result?.bundle ? fixed(result.bundle.gzipKiB) : "—",
      result?.bundle ? fixed(result.bundle.rawKiB) : "—",
      result?.startup ? `${fixed(median(result.startup))} (${result.startup.map((value) => fixed(value)).join(", ")})` : "—",
      isolate ? `${isolate.first.trips} / ${isolate.first.statements}` : "—",
      isolate ? `${isolate.warm.trips} / ${isolate.warm.statements}` : "—",
      result?.cpuProcesses ?? "—",
    ];
  });
}

/** The read-replication Worker whose statements and bookmark bytes the replication table shows. */
const REPLICAS = "ours-drizzle-replicas";
const REPLICAS_VERSUS = "ours-drizzle-presets";

const REPLICATION_HEADER = [
  "endpoint",
  "D1 trips / statements",
  `same without the option (\`${REPLICAS_VERSUS}\`)`,
  "replica-eligible statements",
  "statements in a first-primary session",
  "statements on the binding (rate limiter)",
  "x-d1-bookmark bytes",
  "bookmark Set-Cookie bytes (responses that set it)",
  "bookmark bytes added to the response",
  "bookmark cookie bytes sent",
];

/** Per endpoint of the read-replication Worker: where its statements may be read from, and the bookmark's bytes. */
function replicationRows(run) {
  const result = run.results[REPLICAS];
  if (!result?.samples) return [];
  const versus = run.results[REPLICAS_VERSUS]?.samples;
  return ENDPOINTS.filter((endpoint) => endpoint.id !== "floor" && result.samples[endpoint.id]).map((endpoint) => {
    const summary = summarize(result.samples[endpoint.id]);
    const binding = result.samples[endpoint.id].map((sample) => sample.statements - (sample.replicaEligible ?? 0) - (sample.primarySession ?? 0));
    const setCookies = result.samples[endpoint.id].map((sample) => sample.bookmarkCookieBytes ?? 0).filter((bytes) => bytes > 0);
    const setCookieCell = setCookies.length === 0 ? "0" : `${spread(setCookies)} (${setCookies.length} of ${summary.count})`;
    return [endpoint.label, d1Cell(summary), versus ? d1Cell(summarize(versus[endpoint.id])) : "—", summary.replicaEligible, summary.primarySession, spread(binding), summary.bookmarkHeaderBytes, setCookieCell, summary.bookmarkBytes, summary.bookmarkSentBytes];
  });
}

function textTable(header, rows) {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells) => cells.map((cell, column) => String(cell).padEnd(widths[column])).join(" | ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("-|-"), ...rows.map(line)].join("\n");
}

function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.map((cell) => String(cell).replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function measured(run) {
  return run.workers.filter((worker) => run.results[worker.name]?.samples);
}

/** The terminal output: D1, CPU and wall per endpoint and Worker, the comparisons, per-Worker figures. */
export function printTable(run) {
  const workers = measured(run);
  if (workers.length === 0) return;
  const header = ["endpoint", ...workers.map((worker) => worker.name)];
  console.log("\nD1 round trips / statements per request");
  console.log(textTable(header, endpointRows(run, workers, d1Cell)));
  console.log("\nCPU ms of the Worker's workerd process per request: median (p95)");
  console.log(textTable(header, endpointRows(run, workers, cpuCell)));
  console.log("\nJavaScript ms in the Worker's isolate per request (handler time less D1 waits): median (p95)");
  console.log(textTable(header, endpointRows(run, workers, jsCell)));
  console.log("\nWall ms per request, median");
  console.log(textTable(header, endpointRows(run, workers, (summary) => (summary ? fixed(summary.wallMedian) : "—"))));
  console.log("\nOurs vs baseline (ours vs baseline, ratio)");
  console.log(textTable(["pair", "endpoint", "D1 trips / statements", "CPU ms median", "wall ms median"], comparisonRows(run)));
  const replication = replicationRows(run);
  if (replication.length > 0) {
    console.log(`\nRead replication (${REPLICAS}): statements by session start, bookmark bytes (median, range if samples differed)`);
    console.log(textTable(REPLICATION_HEADER, replication));
  }
  console.log("\nPer Worker");
  console.log(textTable(["worker", "gzip KiB", "minified KiB", "start-up CPU ms median (runs)", "new isolate: sign-in trips / stmts", "warm sign-in", "CPU read from"], perWorkerRows(run, workers)));
  console.log("\nTargets of issue 10");
  console.log(textTable(["target", "measured", "result"], targetChecks(run).map((check) => [check.target, check.measured, check.pass ? "pass" : `MISS ${check.by}`])));
}

function machine() {
  const cpu = (() => {
    try {
      return /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model;
    } catch {
      return cpus()[0]?.model;
    }
  })();
  return `Node ${process.version}, ${cpu} (${cpus().length} cores), Linux, load average ${loadavg().map((load) => load.toFixed(1)).join(" / ")} at the end of the run (other work shared the machine)`;
}

/** docs/performance.md, written from the run. */
export function renderMarkdown(run) {
  const workers = measured(run);
  const header = ["endpoint", ...workers.map((worker) => `\`${worker.name}\``)];
  const labels = markdownTable(["Worker", "what it is"], run.workers.filter((worker) => run.results[worker.name]).map((worker) => [`\`${worker.name}\``, worker.label]));
  const checks = targetChecks(run);
  const template = readFileSync(new URL("./performance.template.md", import.meta.url), "utf8");
  const fill = {
    DATE: new Date().toISOString().replace(/\.\d+Z$/, " UTC"),
    MACHINE: machine(),
    COMMAND: run.command,
    SECONDS: String(run.seconds),
    ITERATIONS: String(run.iterations),
    HASH_ITERATIONS: String(run.hashIterations),
    STARTUP_RUNS: String(run.startupRuns),
    WORKERS: labels,
    D1_TABLE: markdownTable(header, endpointRows(run, workers, d1Cell)),
    CPU_TABLE: markdownTable(header, endpointRows(run, workers, cpuCell)),
    JS_TABLE: markdownTable(header, endpointRows(run, workers, jsCell)),
    WALL_TABLE: markdownTable(header, endpointRows(run, workers, (summary) => (summary ? fixed(summary.wallMedian) : "—"))),
    COMPARISON_TABLE: markdownTable(["pair", "endpoint", "D1 trips / statements", "CPU ms median", "wall ms median"], comparisonRows(run)),
    REPLICATION_TABLE: replicationRows(run).length > 0 ? markdownTable(REPLICATION_HEADER, replicationRows(run)) : `Not measured in this run: \`${REPLICAS}\` was not selected.`,
    WORKER_TABLE: markdownTable(["Worker", "gzip KiB", "minified KiB", "start-up CPU ms, median (runs)", "new isolate: first sign-in trips / statements", "warm sign-in", "CPU read from"], perWorkerRows(run, workers)),
    TARGET_TABLE: markdownTable(["target", "measured", "result"], checks.map((check) => [check.target, check.measured, check.pass ? "pass" : `miss: ${check.by}`])),
    FREE_PLAN_TABLE: freePlanTable(run),
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_, key) => fill[key] ?? `{{${key}}}`);
}

const FREE_PLAN_ENDPOINTS = ["sign-up", "sign-in", "two-factor-verify", "magic-link-send", "magic-link-verify", "email-otp-send", "email-otp-sign-in", "get-session", "get-session-cached", "organization-create", "passkey-options", "token"];

function freePlanTable(run) {
  const ours = ["ours-drizzle-presets", "ours-kysely-presets"].filter((name) => run.results[name]?.samples);
  const rows = FREE_PLAN_ENDPOINTS.map((id) => {
    const endpoint = ENDPOINTS.find((candidate) => candidate.id === id);
    const cells = ours.map((name) => summarize(run.results[name].samples[id]));
    const worst = Math.max(...cells.map((summary) => summary?.jsP95 ?? Number.POSITIVE_INFINITY));
    return [endpoint.label, endpoint.hashes ? "yes" : "no", ...cells.map(jsCell), ...cells.map(cpuCell), worst < 10 ? "fits (p95 under 10 ms)" : "needs Paid"];
  });
  return markdownTable(
    ["flow (request)", "hashes a password", ...ours.map((name) => `\`${name}\` JavaScript ms, median (p95)`), ...ours.map((name) => `\`${name}\` process CPU ms, median (p95)`), "Free plan (10 ms)"],
    rows,
  );
}
