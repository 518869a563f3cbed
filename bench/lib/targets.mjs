/**
 * Issue 10's targets, checked against a bench run: pass, or by how much it misses.
 *
 * @module
 */
import { ENDPOINTS } from "./flows.mjs";
import { median, summarize } from "./report.mjs";

const D1_TARGETS = [
  ["get-session", 1, "get-session, no cookie cache: at most 1 D1 round trip"],
  ["get-session-cached", 0, "get-session, cookie-cache hit: 0 round trips"],
  ["list-sessions", 2, "list-sessions: at most 2 round trips"],
  ["token", 1, "JWT /token: at most 1 round trip"],
  ["sign-in", 3, "sign-in: at most 3 round trips, rate limit included"],
  ["sign-up", 3, "sign-up: at most 3 round trips"],
  ["organization-create", 8, "organization create: at most 8 round trips"],
];

/** Every target that the run's Workers let us check. */
export function targetChecks(run) {
  const checks = [];
  const ours = run.workers.filter((worker) => worker.name.startsWith("ours-") && run.results[worker.name]?.samples);
  for (const worker of ours) {
    const result = run.results[worker.name];
    for (const [id, max, target] of D1_TARGETS) {
      const summary = summarize(result.samples[id]);
      if (!summary) continue;
      const trips = summary.trips;
      checks.push({ target: `${worker.name}: ${target}`, measured: `${summary.tripsVary ?? trips}`, pass: trips <= max, by: `${trips - max} round trip(s) over` });
    }
    if (result.newIsolate) {
      const extra = result.newIsolate.first.trips - result.newIsolate.warm.trips;
      checks.push({ target: `${worker.name}: new isolate's first request at most 1 round trip more than warm (sign-in)`, measured: `${result.newIsolate.first.trips} vs ${result.newIsolate.warm.trips}`, pass: extra <= 1, by: `${extra - 1} round trip(s) over` });
    }
    const base = run.results[worker.versus[0]];
    if (result.bundle && base?.bundle) {
      const over = (result.bundle.gzipKiB / base.bundle.gzipKiB - 1) * 100;
      checks.push({ target: `${worker.name}: bundle at most +2% over ${worker.versus[0]}`, measured: `${over >= 0 ? "+" : ""}${over.toFixed(1)}%`, pass: over <= 2, by: `${(over - 2).toFixed(1)} points over` });
    }
    if (result.startup && base?.startup) {
      const over = (median(result.startup) / median(base.startup) - 1) * 100;
      checks.push({ target: `${worker.name}: start-up CPU within 5% of ${worker.versus[0]}`, measured: `${over >= 0 ? "+" : ""}${over.toFixed(1)}%`, pass: over <= 5, by: `${(over - 5).toFixed(1)} points over` });
    }
    // The isolate's own JavaScript time is what Cloudflare bills as CPU; the process reading also holds local D1.
    const slow = ENDPOINTS.filter((endpoint) => !endpoint.hashes && endpoint.id !== "floor" && result.samples[endpoint.id]).map((endpoint) => [endpoint.label, summarize(result.samples[endpoint.id]).jsP95 ?? Number.POSITIVE_INFINITY]).filter(([, p95]) => p95 >= 10);
    checks.push({ target: `${worker.name}: every endpoint that does not hash a password under 10 ms of JavaScript time (p95)`, measured: slow.length ? slow.map(([label, p95]) => `${label} ${p95.toFixed(1)}`).join("; ") : "all under", pass: slow.length === 0, by: `${slow.length} endpoint(s) at or over 10 ms` });
  }
  return checks;
}
