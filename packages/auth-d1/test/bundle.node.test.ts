// Each factory imports only what its adapter needs: a Worker on @acme/auth-d1/drizzle ships no Kysely, and
// one on @acme/auth-d1/kysely ships no Drizzle. The fixtures import the package by name from inside it, so
// Node's self-reference resolves them through package.json "exports" to dist/, what users get.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, PACKAGE_ROOT } from "./fixtures/built-package.js";

const KYSELY_PACKAGES = ["kysely", "kysely-d1", "@better-auth/kysely-adapter"];
const DRIZZLE_PACKAGES = ["drizzle-orm", "@better-auth/drizzle-adapter"];
// Code, not comments: esbuild's path comments name pnpm folders such as `drizzle-orm@0.45.4_..._kysely@0.29.9`.
const KYSELY_MARKER = "SelectQueryNode"; // Kysely's query AST
const DRIZZLE_MARKER = "drizzle:entityKind"; // the Symbol.for key every Drizzle class is tagged with
/**
 * The most our own code (dist/drizzle.js or dist/kysely.js) may add to a minified Worker, in bytes before gzip.
 * It adds 65 KiB (Drizzle) and 62 KiB (Kysely) on 2026-12-08, up from 53 KiB on 2026-12-02: the SQL classifier
 * that replaced the unit of work's regexes (about 11 KiB minified), the endpoint policy and its start-up check
 * (6 KiB) and the unit of work in named parts (1 KiB); what each feature costs is in docs/performance.md. The
 * margin lets features grow, and an accidental import (the CLI, a second copy of a module) does not fit. Raise
 * it knowingly, with the measured cost in docs/performance.md.
 */
const OWN_CODE_BUDGET = 72 * 1024;
/** src/ modules a runtime entry may never hold: the CLI and its generator (snake_case naming aside), and tests. */
const CLI_OR_TEST_MODULE = /^src\/(cli|copy-migrations)\.ts$|^src\/generate\/(?!snake-case\.ts$)|\.test\.ts$|^test\//;

interface WorkerBundle {
  code: string;
  metafile: Metafile;
  /** npm packages the bundle holds code from, by name. */
  packages: Set<string>;
}

beforeAll(ensureBuilt, 120_000);

describe.each([
  { entry: "drizzle", fixture: "drizzle-worker.js", wanted: DRIZZLE_PACKAGES, unwanted: KYSELY_PACKAGES, marker: DRIZZLE_MARKER, foreignMarker: KYSELY_MARKER },
  { entry: "kysely", fixture: "kysely-worker.js", wanted: KYSELY_PACKAGES, unwanted: DRIZZLE_PACKAGES, marker: KYSELY_MARKER, foreignMarker: DRIZZLE_MARKER },
])("a Worker on @acme/auth-d1/$entry", ({ entry, fixture, wanted, unwanted, marker, foreignMarker }) => {
  let bundle: WorkerBundle;

  beforeAll(async () => {
    bundle = await bundleLikeWrangler(join(PACKAGE_ROOT, "test", "fixtures", fixture));
    const bytes = Buffer.byteLength(bundle.code);
    console.log(`[bundle] ${entry}: ${bytes.toLocaleString("en")} bytes, ${gzipSync(bundle.code).byteLength.toLocaleString("en")} gzip, ${Object.keys(bundle.metafile.inputs).length} modules`);
  }, 120_000);

  it(`resolves @acme/auth-d1/${entry} to the built dist/${entry}.js`, () => {
    const ours = Object.keys(bundle.metafile.inputs).filter((path) => !path.includes("node_modules/") && !path.startsWith("test/"));
    expect(ours).toContain(`dist/${entry}.js`);
    expect(ours.filter((path) => !path.startsWith("dist/"))).toEqual([]);
  });

  it(`holds ${entry} code`, () => {
    expect(wanted.filter((name) => !bundle.packages.has(name))).toEqual([]);
    expect(bundle.code).toContain(marker);
  });

  it(`holds no code of the CLI or of the tests in dist/${entry}.js`, () => {
    // tsup names each source module it inlines in a `// src/...` line.
    const modules = [...readFileSync(join(PACKAGE_ROOT, "dist", `${entry}.js`), "utf8").matchAll(/^\/\/ (\S+\.ts)$/gm)].map((match) => match[1] ?? "");
    expect(modules).toContain(`src/${entry}.ts`);
    expect(modules.filter((path) => CLI_OR_TEST_MODULE.test(path))).toEqual([]);
  });

  it(`adds at most ${OWN_CODE_BUDGET / 1024} KiB of its own code to a minified Worker`, async () => {
    const minified = await bundleLikeWrangler(join(PACKAGE_ROOT, "test", "fixtures", fixture), { minify: true });
    const own = Object.entries(Object.values(minified.metafile.outputs)[0]?.inputs ?? {}).filter(([path]) => path.startsWith("dist/"));
    const bytes = own.reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    console.log(`[bundle] ${entry} minified: ${bytes.toLocaleString("en")} bytes of ours in ${Buffer.byteLength(minified.code).toLocaleString("en")}, ${gzipSync(minified.code, { level: 9 }).byteLength.toLocaleString("en")} gzip`);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(OWN_CODE_BUDGET);
  }, 120_000);

  it(`holds no code of the other adapter (${unwanted.join(", ")})`, () => {
    // Naming who pulled each package in turns a failure into a pointer at the import to fix.
    expect(unwanted.filter((name) => bundle.packages.has(name)).map((name) => `${name} <- ${importerOf(bundle.metafile, name)}`)).toEqual([]);
    expect(bundle.code).not.toContain(foreignMarker);
  });
});

describe("a front end on @acme/auth-d1/client with one client preset", () => {
  // Code each client plugin carries: its id or the paths it maps to methods.
  const markers = { twoFactor: '"two-factor"', organization: '"/organization/get-full-organization"', admin: '"/admin/list-users"' };

  it("bundles that preset and none of the others", async () => {
    const bundle = await bundleLikeWrangler(join(PACKAGE_ROOT, "test", "fixtures", "client-two-factor.js"));
    console.log(`[bundle] client with twoFactor: ${gzipSync(bundle.code).byteLength.toLocaleString("en")} bytes gzip`);
    expect(bundle.code).toContain(markers.twoFactor);
    expect(bundle.code).not.toContain(markers.organization);
    expect(bundle.code).not.toContain(markers.admin);
  }, 120_000);
});

/**
 * Bundles a Worker entry with the esbuild options wrangler 4 uses for `wrangler deploy`: its build conditions,
 * esbuild's browser platform (wrangler leaves `platform` unset) and so its `browser, module, main` main
 * fields, ES2024, `node:*` and `cloudflare:*` left to the runtime; `minify` as `--minify` sets it. Called directly rather than through
 * `wrangler deploy --dry-run` so the test stays offline and can read the metafile without a config file.
 */
async function bundleLikeWrangler(entryPoint: string, options: { minify?: boolean } = {}): Promise<WorkerBundle> {
  const result = await build({
    entryPoints: [entryPoint],
    absWorkingDir: PACKAGE_ROOT,
    outdir: join(PACKAGE_ROOT, "dist-bundle-test"), // names the output only: nothing is written
    write: false,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    target: "es2024",
    external: ["node:*", "cloudflare:*"],
    define: { "process.env.NODE_ENV": '"production"' },
    minify: options.minify ?? false, // `wrangler deploy --minify`
    metafile: true,
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`[auth-d1] esbuild wrote no bundle for ${entryPoint}`);
  const packages = new Set(Object.keys(result.metafile.inputs).flatMap((path) => packageOf(path) ?? []));
  return { code: output.text, metafile: result.metafile, packages };
}

/** The npm package an input path belongs to: the name after its last `node_modules/`. */
function packageOf(path: string): string | undefined {
  return /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];
}

/** The first input outside package `name` that imports a file inside it, from its package name on. */
function importerOf(metafile: Metafile, name: string): string {
  for (const [path, input] of Object.entries(metafile.inputs)) {
    if (packageOf(path) === name) continue;
    if (input.imports.some((imported) => packageOf(imported.path) === name)) return path.replace(/.*node_modules\//, "");
  }
  return "(unknown importer)";
}
