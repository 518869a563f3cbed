// This workspace's own install holds one copy of better-auth's core and of better-call: the ones better-auth
// brings. @better-auth/passkey names exact peers of its own release, and pnpm-workspace.yaml's
// `@better-auth/passkey>` overrides point it at better-auth's versions. Move better-auth to another release and
// leave those overrides behind, and pnpm installs a second @better-auth/core of the very same version, resolved
// with another better-call: our sources then stop type-checking over types that differ only by their path
// (`BetterAuthOptions` is not assignable to `BetterAuthOptions`), and TypeDoc converts nothing. This test says
// so first, by name. (test/artifact.node.test.ts checks the same of a user's npm install of the tarball.)
import { readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "./fixtures/built-package.js";

/** This package and better-auth's packages it uses: each must find the same copies. */
const USERS = ["@acme/auth-d1", "better-auth", "@better-auth/core", "@better-auth/kysely-adapter", "@better-auth/passkey"] as const;
const SHARED = ["@better-auth/core", "better-call"] as const;

interface Manifest {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The file `shared` resolves to from `folder`, when that package declares it; `undefined` when it does not. */
function copyFrom(folder: string, shared: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as Manifest;
  if (!(shared in { ...manifest.dependencies, ...manifest.peerDependencies })) return undefined;
  return realpathSync(createRequire(join(folder, "package.json")).resolve(shared));
}

describe("the workspace's install", () => {
  it.each(SHARED)("has one copy of %s, the one better-auth uses", (shared) => {
    const copies: Record<string, string> = {};
    for (const user of USERS) {
      const folder = user === "@acme/auth-d1" ? PACKAGE_ROOT : realpathSync(join(PACKAGE_ROOT, "node_modules", user));
      const copy = copyFrom(folder, shared);
      if (copy !== undefined) copies[user] = copy;
    }
    expect(
      new Set(Object.values(copies)).size,
      `${shared} resolves to more than one copy:\n${Object.entries(copies).map(([user, copy]) => `  from ${user}: ${copy}`).join("\n")}\n` +
        "Set the `@better-auth/passkey>` overrides in pnpm-workspace.yaml to the versions better-auth itself depends on " +
        "(`npm view better-auth@<installed version> dependencies`), then `pnpm install`.",
    ).toBe(1);
    expect(Object.keys(copies)).toContain("better-auth");
  });
});
