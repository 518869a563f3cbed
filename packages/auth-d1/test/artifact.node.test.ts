// The artifact, proven: what `pnpm pack` makes is installed with plain npm into a fresh Worker outside the
// workspace (test/artifact/, copied to a temp folder) and has to install without peer conflicts, import only
// what it declares, type-check, bundle with wrangler and sign users in inside workerd on both adapters.
// Each step needs the one before, so after a failure the rest are skipped and the folder is kept.
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, PACKAGE_ROOT } from "./fixtures/built-package.js";
import { expectSuccess, MINUTE, packPackage, run as runCommand, skipAfterFirstFailure, type Run } from "./fixtures/commands.js";

const TEMPLATE = join(PACKAGE_ROOT, "test", "artifact");
/** The template's package.json installs `file:../acme-auth-d1.tgz`. */
const TARBALL_NAME = "acme-auth-d1.tgz";
/**
 * Packages that must exist once in the tree: better-auth and each of its @better-auth/* packages (we import
 * @better-auth/core and @better-auth/kysely-adapter as optional peers, so the copies better-auth brings serve
 * us too), and what the passkey overrides point @better-auth/passkey at.
 */
const SINGLE_COPY = /^(better-auth|@better-auth\/.+|@better-fetch\/fetch|better-call)$/;

interface PackageJSON {
  name: string;
  exports: Record<string, unknown>;
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface NpmTree {
  version?: string;
  dependencies?: Record<string, NpmTree>;
}

let root = "";
let project = "";
let installed = "";
const steps = skipAfterFirstFailure();

beforeAll(async () => {
  await ensureBuilt();
  root = await mkdtemp(join(tmpdir(), "auth-d1-artifact-"));
  project = join(root, "worker");
  installed = join(project, "node_modules", "@acme", "auth-d1");
}, 2 * MINUTE);

afterAll(async () => {
  if (root === "") return;
  if (steps.failed) console.log(`[artifact] a step failed; the tarball and the project are kept in ${root}`);
  else await rm(root, { recursive: true, force: true });
});

describe("the packed @acme/auth-d1 in a fresh Worker", () => {
  it("packs every file package.json exports and bin point at", async () => {
    const { files: paths } = await packPackage(root, TARBALL_NAME);
    const manifest = JSON.parse(await readFile(join(PACKAGE_ROOT, "package.json"), "utf8")) as PackageJSON;
    const targets = [...exportTargets(manifest.exports), ...Object.values(manifest.bin)].map((target) => target.replace(/^\.\//, ""));
    const missing = targets.filter((target) => (target.includes("*") ? !paths.some((path) => path.startsWith(target.split("*")[0]!)) : !paths.includes(target)));
    expect(missing, `in package.json but not in the tarball (check "files"): ${missing.join(", ")}`).toEqual([]);
  });

  it("installs with npm from its pinned lockfile, its peers and the documented passkey overrides, with no peer conflict", async () => {
    await cp(TEMPLATE, project, { recursive: true, filter: (source) => !/[/\\](node_modules|dist|\.wrangler|migrations)$/.test(source) });
    const started = Date.now();
    // npm ci installs what package-lock.json says and nothing newer (test/fixtures/pinned-installs.ts);
    // --strict-peer-deps turns every peer conflict npm would otherwise paper over into a failure.
    expectSuccess(await run("npm", ["ci", "--strict-peer-deps", "--no-audit", "--no-fund"], project, 10 * MINUTE));
    console.log(`[artifact] npm install: ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const ls = await run("npm", ["ls", "--all", "--json"], project, 2 * MINUTE);
    expectSuccess(ls); // npm ls exits non-zero on a missing, invalid or extraneous package
    const versions = versionsByName(JSON.parse(ls.stdout) as NpmTree);
    const copies = [...versions].filter(([name]) => SINGLE_COPY.test(name));
    expect(copies.map(([name]) => name)).toEqual(expect.arrayContaining(["better-auth", "@better-auth/core", "@better-auth/kysely-adapter", "better-call"]));
    for (const [name, installed] of copies) expect([...installed], `versions of ${name}`).toHaveLength(1);
    // The peers resolve to better-auth's own copies: the version better-auth depends on, exactly.
    const betterAuth = JSON.parse(await readFile(join(project, "node_modules", "better-auth", "package.json"), "utf8")) as PackageJSON;
    for (const name of ["@better-auth/core", "@better-auth/kysely-adapter"]) expect([...versions.get(name)!], name).toEqual([betterAuth.dependencies![name]]);
  }, 12 * MINUTE);

  it("imports only its dependencies and declared peers", async () => {
    const manifest = JSON.parse(await readFile(join(installed, "package.json"), "utf8")) as PackageJSON;
    const declared = new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const undeclared: string[] = [];
    for (const file of await filesUnder(join(installed, "dist"))) {
      if (!/\.(js|d\.ts)$/.test(file)) continue;
      const { importedFiles } = ts.preProcessFile(await readFile(file, "utf8"), true, true);
      for (const { fileName: specifier } of importedFiles) {
        if (specifier.startsWith(".") || isBuiltin(specifier) || specifier.startsWith("cloudflare:")) continue;
        const name = packageName(specifier);
        if (!declared.has(name)) undeclared.push(`${name} (${relative(installed, file)})`);
      }
    }
    expect(undeclared, "imported by dist/ but neither a dependency nor a peer dependency").toEqual([]);
  });

  it("copies its migrations with the installed CLI", async () => {
    const shipped = (await readdir(join(installed, "migrations"))).filter((file) => file.endsWith(".sql")).sort();
    expect(shipped.length).toBeGreaterThan(0);
    // --no: never fetch a package called auth-d1 from the registry if the bin is missing.
    const copied = await run("npx", ["--no", "--", "auth-d1", "migrations", "migrations"], project, MINUTE);
    expectSuccess(copied);
    const expected = shipped.map((file, index) => `[auth-d1] added ${String(index + 1).padStart(4, "0")}_auth-d1_${file}`);
    expect(copied.stdout.trim().split("\n")).toEqual(expected);
  });

  it("type-checks a Worker on every entry point, our .d.ts files included", async () => {
    const checked = await run(join(project, "node_modules", ".bin", "tsc"), ["--noEmit", "--pretty", "false"], project, 5 * MINUTE);
    const errors = checked.stdout.split("\n").filter((line) => line.includes("error TS"));
    // With skipLibCheck off, other packages' .d.ts report what a Worker's libs lack (DOM, node); those are theirs.
    const ours = errors.filter((line) => !line.startsWith("node_modules/") || line.startsWith("node_modules/@acme/auth-d1/"));
    console.log(`[artifact] tsc: ${ours.length} errors in the Worker or @acme/auth-d1, ${errors.length - ours.length} in other packages' declarations (ignored)`);
    expect(ours).toEqual([]);
    expect(checked.code === 0 || errors.length > 0, `tsc exited ${checked.code} without errors:\n${checked.stdout}${checked.stderr}`).toBe(true);
  }, 6 * MINUTE);

  it.each([
    { adapter: "drizzle", args: ["--outdir", "dist"], bundle: "dist/index.js" },
    { adapter: "kysely", args: ["--outdir", "dist-kysely", "src/kysely.ts"], bundle: "dist-kysely/kysely.js" },
  ])("bundles the $adapter Worker with wrangler deploy --dry-run", async ({ adapter, args, bundle }) => {
    const built = await run(join(project, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", ...args], project, 3 * MINUTE);
    expectSuccess(built);
    const size = /Total Upload: (.+)/.exec(built.stdout)?.[1];
    console.log(`[artifact] wrangler dry-run, ${adapter}: ${size ?? "(no size printed)"}`);
    expect(size).toBeDefined();
    expect(existsSync(join(project, bundle)), `${bundle} written`).toBe(true);
  }, 4 * MINUTE);

  it("signs up, signs in and reads the session in workerd on both adapters", async () => {
    const tested = await run(join(project, "node_modules", ".bin", "vitest"), ["run", "--reporter=verbose"], project, 8 * MINUTE);
    const summary = tested.stdout.split("\n").filter((line) => /^\s*(✓|×|↓|Test Files|Tests|Duration)/.test(line));
    console.log(`[artifact] vitest in workerd:\n${summary.join("\n")}`);
    expectSuccess(tested);
    expect(tested.stdout).toMatch(/Tests\s+4 passed \(4\)/);
  }, 9 * MINUTE);
});

/** Runs a command in a user's shell environment, wrangler's logs kept with the project. */
function run(command: string, args: string[], cwd: string, timeout: number): Promise<Run> {
  return runCommand(command, args, { cwd, env: { WRANGLER_LOG_PATH: join(root, "wrangler-logs") } }, timeout);
}

/** Every file path in an `exports` map, through nested conditions. */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === "string") return [exports];
  if (exports === null || typeof exports !== "object") return [];
  return Object.values(exports).flatMap(exportTargets);
}

/** The npm package a bare specifier names: `@scope/name` or `name`, without a subpath. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Each package name in an `npm ls --all --json` tree, with every version installed under it. */
function versionsByName(tree: NpmTree): Map<string, Set<string>> {
  const versions = new Map<string, Set<string>>();
  const visit = (node: NpmTree): void => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      if (child.version !== undefined) versions.set(name, (versions.get(name) ?? new Set()).add(child.version));
      visit(child);
    }
  };
  visit(tree);
  return versions;
}
