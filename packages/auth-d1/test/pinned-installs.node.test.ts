// The npm installs of the node tests are hermetic: each install fixture pins exactly what pnpm-lock.yaml
// resolved, and its package-lock.json was made for those pins and for our package.json as it is now. When
// pnpm-lock.yaml or our manifest changes, this fails until `pnpm pins:update` is run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { PACKAGE_ROOT } from "./fixtures/built-package.js";
import { checkInstallFixtures, INSTALL_FIXTURES, lockedVersions, TARBALL_SPEC } from "./fixtures/pinned-installs.js";

const LOCKFILE = join(PACKAGE_ROOT, "..", "..", "pnpm-lock.yaml");

describe("the pinned npm installs", () => {
  it("pin what pnpm-lock.yaml resolved, in lockfiles made for them", () => {
    expect(checkInstallFixtures()).toEqual([]);
  });

  it("pin every dependency of each fixture to an exact version, and resolve only from the npm registry", () => {
    for (const fixture of INSTALL_FIXTURES) {
      const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, fixture, "package.json"), "utf8")) as Record<string, Record<string, string>>;
      const specs = Object.values({ ...manifest.dependencies, ...manifest.devDependencies });
      expect(specs.filter((spec) => spec !== TARBALL_SPEC && !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)), fixture).toEqual([]);
    }
  });

  it("notices a lockfile that moved: a new better-auth in pnpm-lock.yaml fails the check by name", () => {
    const scratch = mkdtempSync(join(tmpdir(), "auth-d1-pins-check-"));
    try {
      const moved = join(scratch, "pnpm-lock.yaml");
      const locked = lockedVersions().versions.get("better-auth")!;
      // An upgrade as Dependabot makes it: the pin of each importer that names better-auth moves.
      const lock = parse(readFileSync(LOCKFILE, "utf8")) as { importers: Record<string, Record<string, Record<string, { specifier: string; version: string }>>> };
      for (const importer of Object.values(lock.importers)) {
        for (const dependencies of Object.values(importer)) {
          const entry = dependencies["better-auth"];
          if (entry !== undefined) dependencies["better-auth"] = { specifier: "1.99.0", version: entry.version.replace(locked, "1.99.0") };
        }
      }
      writeFileSync(moved, stringify(lock));
      expect(lockedVersions(moved).versions.get("better-auth")).toBe("1.99.0");
      expect(checkInstallFixtures(lockedVersions(moved))).toContain(`test/artifact: better-auth ${locked}, pnpm-lock.yaml 1.99.0`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
