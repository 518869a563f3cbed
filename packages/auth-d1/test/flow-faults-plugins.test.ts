/**
 * presets.twoFactor with a fault at every D1 call, on both adapters: two-factor enable with a TOTP secret. After
 * each fault the flow's invariants hold in D1 and the same request then succeeds (test/support/fault-flows.ts).
 * Enabling by mailed code, confirming TOTP, passkey registration and admin remove-user:
 * flow-faults-deletes-and-enrolment.test.ts.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuthD1Options } from "../src/options.js";
import * as presets from "../src/presets/index.js";
import {
  atEveryFault,
  factories,
  faultTestOptions,
  faultyD1,
  PASSWORD,
  rows,
  signedUp,
  twoFactorFlagIffVerifiedRow,
  type AdapterName,
} from "./support/index.js";

const names: AdapterName[] = ["drizzle", "kysely"];

describe.each(names)("%s: two-factor enable with a fault at every D1 call", { timeout: 120_000 }, (name) => {
  const options: AuthD1Options = { ...faultTestOptions, plugins: [presets.twoFactor()] };
  const faulty = faultyD1(env.DB);
  const faultEnv = { ...env, DB: faulty.binding };
  const auth = () => factories[name](faultEnv, options);
  const signUp = (label: string) => signedUp(auth(), `${name}-ffplug-${label}`);

  it("two-factor enable (TOTP): one secret, and the flag stays off until a code confirms it", async () => {
    await atEveryFault(faulty, {
      prepare: (label) => signUp(`2fa-${label}`),
      request: ({ client }) => client.post("/two-factor/enable", { password: PASSWORD }),
      async outcome({ userId }) {
        expect(await twoFactorFlagIffVerifiedRow(userId), "invariant enableLeavesFlagOff").toBe(false);
        return (await rows("SELECT id FROM two_factor WHERE user_id = ?", userId)).length === 1 ? "done" : "undone";
      },
    });
  });
});
