import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { factories, localGoogle, organizationPreset } from "../../test/support/index.js";
import { isAuthD1Error } from "../errors.js";
import * as presets from "../presets/index.js";
import { passkey } from "../presets/passkey.js";
import { checkEndpointPolicy, ENDPOINT_POLICY_ENTRIES, policyFor } from "./endpoint-policy.js";

const allPresets = { socialProviders: { google: localGoogle }, plugins: [organizationPreset(), presets.twoFactor(), presets.admin(), presets.jwt(), passkey(), presets.magicLink(), presets.emailOTP()] };

describe.each(["drizzle", "kysely"] as const)("the endpoint policy on %s", (name) => {
  const api = factories[name](env, allPresets).api as Record<string, { path?: string }>;

  it("lists endpoints of an instance with every preset, under their keys and paths", () => {
    const served = new Map(Object.entries(api).map(([key, endpoint]) => [key, endpoint.path]));
    expect(ENDPOINT_POLICY_ENTRIES.filter((entry) => served.get(entry.key) !== entry.path).map((entry) => entry.key)).toEqual([]);
  });
});

describe("checkEndpointPolicy", () => {
  const api = factories.drizzle(env, allPresets).api as Record<string, unknown>;

  it("refuses an instance whose endpoint serves another path, naming it", () => {
    const moved = { ...api, deleteUser: { path: "/account/delete" } };
    expect(() => checkEndpointPolicy(moved)).toThrow(/deleteUser serves \/account\/delete, not \/delete-user/);
    try {
      checkEndpointPolicy(moved);
    } catch (error) {
      expect(isAuthD1Error(error) && error.code).toBe("BETTER_AUTH_INCOMPATIBLE");
    }
  });

  it("refuses an instance that serves a path under another key", () => {
    const { createOrganization, ...rest } = api;
    expect(() => checkEndpointPolicy({ ...rest, makeOrganization: createOrganization })).toThrow(/\/organization\/create is served by makeOrganization, not createOrganization/);
  });

  it("accepts an instance without some presets: their entries are skipped", () => {
    expect(() => checkEndpointPolicy(factories.kysely(env, {}).api)).not.toThrow();
  });
});

describe("policyFor", () => {
  it("answers a listed endpoint with its entry, another plugin's by its path's family, anything else with nothing", () => {
    expect(policyFor("/organization/create")).toMatchObject({ unit: "unit" });
    expect(policyFor("/sign-in/username").limits).toEqual({ ip: "sign-in", account: "signIn" });
    expect(policyFor("/sign-in/anonymous").limits).toEqual({ ip: "sign-in" });
    expect(policyFor("/my-plugin/anything")).toEqual({});
  });
});
