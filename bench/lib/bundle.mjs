/**
 * What a Worker costs before its first request: the minified bundle, gzipped, and the CPU its top level
 * takes to evaluate (`wrangler check startup`'s CPU profile). Both offline.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { OFFLINE_ENV, WRANGLER } from "./server.mjs";

const run = promisify(execFile);

function files(dir) {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
}

/** `wrangler deploy --dry-run --minify` output: its JavaScript's bytes, raw and gzipped (level 9). */
export async function bundleSize(workerDir) {
  const outdir = mkdtempSync(join(tmpdir(), "auth-d1-bench-bundle-"));
  try {
    await run(WRANGLER, ["deploy", "--dry-run", "--minify", "--outdir", outdir], { cwd: workerDir, env: OFFLINE_ENV });
    let raw = 0;
    let gzip = 0;
    for (const file of files(outdir).filter((path) => /\.(m?js|wasm)$/.test(path))) {
      const bytes = readFileSync(file);
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    return { rawKiB: raw / 1024, gzipKiB: gzip / 1024 };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Start-up CPU ms: `wrangler check startup` profiles the minified bundle's top-level evaluation in local
 * workerd; the figure is the profile's sampled time outside `(idle)`. One value per run.
 */
export async function startupCpu(workerDir, runs) {
  const dir = mkdtempSync(join(tmpdir(), "auth-d1-bench-startup-"));
  try {
    const values = [];
    for (let index = 0; index < runs; index++) {
      const outfile = join(dir, `startup-${index}.cpuprofile`);
      await run(WRANGLER, ["check", "startup", "--outfile", outfile, "--args=--minify"], { cwd: workerDir, env: OFFLINE_ENV });
      const profile = JSON.parse(readFileSync(outfile, "utf8"));
      const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id));
      let micros = 0;
      profile.samples.forEach((id, sampleIndex) => {
        if (!idle.has(id)) micros += profile.timeDeltas[sampleIndex] ?? 0;
      });
      values.push(micros / 1000);
    }
    return values;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
