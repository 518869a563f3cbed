import { getBetterAuthVersion } from "@better-auth/core/context";
import { describe, expect, it, vi } from "vitest";
import packageJSON from "../package.json";
import { TESTED_BETTER_AUTH, untestedVersionWarning, warnIfUntested } from "./better-auth-version.js";

describe("the better-auth version check", () => {
  it("is quiet for every version in the tested range, the installed one included", () => {
    for (const version of [TESTED_BETTER_AUTH.lowest, TESTED_BETTER_AUTH.newest, getBetterAuthVersion()]) expect(untestedVersionWarning(version), version).toBeUndefined();
  });

  it.each(["1.7.24", "1.6.9", "1.7.99", "1.8.0", "2.0.0", "1.7.27-beta.1", "next"])("names %s and the tested range when outside it", (version) => {
    const message = untestedVersionWarning(version);
    expect(message).toContain(`better-auth ${version} is installed`);
    expect(message).toContain(`(${TESTED_BETTER_AUTH.lowest} to ${TESTED_BETTER_AUTH.newest})`);
  });

  it("warns once per untested version", () => {
    const warn = vi.fn();
    warnIfUntested("1.99.0", warn);
    warnIfUntested("1.99.0", warn);
    warnIfUntested(TESTED_BETTER_AUTH.newest, warn);
    expect(warn).toHaveBeenCalledOnce();
  });

  it("tests the floor of the better-auth peer range, and a newest no older than the version the workspace pins", () => {
    expect(packageJSON.peerDependencies["better-auth"]).toBe(`>=${TESTED_BETTER_AUTH.lowest} <1.8.0`);
    for (const name of ["@better-auth/core", "@better-auth/kysely-adapter"] as const) expect(packageJSON.peerDependencies[name], name).toBe(packageJSON.peerDependencies["better-auth"]);
    expect(untestedVersionWarning(packageJSON.devDependencies["better-auth"])).toBeUndefined();
  });
});
