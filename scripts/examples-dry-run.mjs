// `pnpm examples:dry-run`: bundles every example as `wrangler deploy` would, without deploying, and ends
// with each bundle's size. Runs each example's own `build:dry-run` script (wrangler deploy --dry-run
// --outdir .wrangler/dry-run), one after the other so their output does not interleave. Offline: no
// telemetry, no Request.cf download, and a dry run never calls the Cloudflare API.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const examplesDir = fileURLToPath(new URL("../examples", import.meta.url));
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
// wrangler colours its output; the summary quotes its size line, so drop the escape codes.
const ansi = /\u001b\[[0-9;]*m/g;

const examples = readdirSync(examplesDir).filter((name) => {
  const manifest = join(examplesDir, name, "package.json");
  return existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).scripts?.["build:dry-run"] !== undefined;
});
if (examples.length === 0) {
  console.error("[examples:dry-run] no example has a build:dry-run script.");
  process.exit(1);
}

const sizes = [];
let failed = false;
for (const name of examples) {
  console.log(`\n[examples:dry-run] ${name}: pnpm run build:dry-run`);
  const run = spawnSync("pnpm", ["run", "build:dry-run"], {
    cwd: join(examplesDir, name),
    env,
    encoding: "utf8",
    shell: process.platform === "win32",
    stdio: ["ignore", "pipe", "pipe"],
  });
  process.stdout.write(run.stdout ?? "");
  process.stderr.write(run.stderr ?? "");
  const size = `${run.stdout}\n${run.stderr}`.replace(ansi, "").match(/Total Upload: .*/)?.[0];
  if (run.error || run.status !== 0 || size === undefined) {
    failed = true;
    sizes.push([name, `FAILED (${run.error?.message ?? `exit ${run.status}`}${size === undefined ? ", no size line" : ""})`]);
  } else {
    sizes.push([name, size.trim()]);
  }
}

const width = Math.max(...examples.map((name) => name.length));
console.log("\n[examples:dry-run] bundle sizes (wrangler deploy --dry-run, bundles in examples/<name>/.wrangler/dry-run):");
for (const [name, size] of sizes) console.log(`  ${name.padEnd(width)}  ${size}`);
process.exit(failed ? 1 : 0);
