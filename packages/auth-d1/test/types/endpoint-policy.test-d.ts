/**
 * Compile-time: every key of the endpoint policy is a key of `auth.api` on an instance with every preset, so an
 * endpoint better-auth renames fails to compile here before it fails at start-up (checkEndpointPolicy).
 */
import { createAccessControl } from "better-auth/plugins/access";
import { expectTypeOf, test } from "vitest";
import { createAuth } from "../../src/drizzle.js";
import type { AuthD1Env } from "../../src/env.js";
import type { EndpointKey } from "../../src/integration/endpoint-policy.js";
import * as presets from "../../src/presets/index.js";
import { passkey } from "../../src/presets/passkey.js";

declare const env: AuthD1Env;
const ac = createAccessControl({ project: ["create"] });
const auth = createAuth(env, {
  plugins: [
    presets.organization({ ac, teams: { enabled: true }, dynamicAccessControl: { enabled: true } }),
    presets.twoFactor(),
    presets.admin(),
    presets.jwt(),
    passkey(),
    presets.magicLink(),
    presets.emailOTP(),
  ],
});

test("every key of the endpoint policy is an endpoint of better-auth with every preset", () => {
  expectTypeOf<EndpointKey>().toExtend<keyof typeof auth.api>();
});
