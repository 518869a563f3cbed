/**
 * The instance test/endpoint-writes.test.ts drives: every preset on, Google configured (its network calls
 * answered locally), on a D1 binding that records each call; and the people and rows its drivers start from.
 */
import { env } from "cloudflare:test";
import { expect } from "vitest";
import * as presets from "../../src/presets/index.js";
import { passkey } from "../../src/presets/passkey.js";
import {
  adaptersWith,
  countingD1,
  faultTestOptions,
  lastMailTo,
  localGoogle,
  markVerified,
  organizationPeople,
  organizationPreset,
  PASSWORD,
  signedUp,
  TestClient,
  type JsonResponse,
  type SignedUpUser,
} from "../support/index.js";

/** The one binding every request of both instances goes through: a test reads the calls of its request off it. */
export const db = countingD1(env.DB);

/**
 * Both adapters with every preset. Rate limiting stays off, as on localhost: its counter is one upsert of its
 * own before the endpoint runs (src/rate-limit/), on every limited path alike, and would hide the endpoint's own.
 * emailOTP's change of address is on, or its two endpoints would refuse before writing. Passwords are hashed
 * quickly and the logger is quiet (faultTestOptions): this test is about D1 calls, and signs up about a hundred users.
 */
export const instances = adaptersWith(
  (sendEmail) => ({
    ...faultTestOptions,
    sendEmail,
    socialProviders: { google: localGoogle },
    plugins: [
      organizationPreset(),
      presets.twoFactor(),
      presets.admin(),
      presets.jwt(),
      passkey(),
      presets.magicLink(),
      presets.emailOTP({ changeEmail: { enabled: true } }),
    ],
  }),
  { ...env, DB: db.binding },
);

/** One adapter's instance and the fixtures drivers share; made once per adapter, at module scope. */
export function world(instance: (typeof instances)[number]) {
  const { name, auth, outbox } = instance;
  const people = organizationPeople(instance);
  let admin: Promise<SignedUpUser> | undefined;
  let organization: ReturnType<typeof people.ownedOrganization> | undefined;

  /** A new user, signed up and in by email and password; their address is not verified. */
  function user(label: string): Promise<SignedUpUser> {
    return signedUp(auth(), `${name}-ew-${label}`);
  }

  return {
    name,
    auth,
    outbox,
    user,
    /** A new user whose address is verified (straight in D1: following the link is its own endpoint). */
    async verified(label: string): Promise<SignedUpUser> {
      const made = await user(label);
      await markVerified(made.userId);
      return made;
    },
    /** An admin, made once: a user whose role is set in D1, as a deployer makes the first one. */
    admin(): Promise<SignedUpUser> {
      admin ??= user("admin").then(async (made) => {
        await env.DB.prepare("UPDATE user SET role = 'admin' WHERE id = ?").bind(made.userId).run();
        return made;
      });
      return admin;
    },
    /** An organization made once, with its owner and default team, for drivers that do not use it up. */
    organization() {
      organization ??= people.ownedOrganization("shared");
      return organization;
    },
    people,
    /** The request headers of `client`'s session, for endpoints only server code calls (`auth.api`). */
    headersOf(client: TestClient): Headers {
      return new Headers({ cookie: `better-auth.session_token=${client.sessionCookie}` });
    },
    /** The code of the last email-OTP mail to `email`. */
    otpFor(email: string): string {
      return lastMailTo(outbox, email, "email-otp").otp;
    },
    /** Signs `email` in on a new client, which then holds the second-factor challenge (its password step is done). */
    async challenged(email: string): Promise<TestClient> {
      const device = new TestClient(auth());
      const res = await device.post("/sign-in/email", { email, password: PASSWORD });
      expect(res.body?.twoFactorRedirect, JSON.stringify(res.body)).toBe(true);
      return device;
    },
  };
}

export type World = ReturnType<typeof world>;

/** What a driven request answered: a JSON response, a raw one (redirects), or a server call's result. */
export type Answer = Pick<JsonResponse, "status" | "headers"> & { body?: unknown };

/**
 * How to drive one endpoint to its writes: make what the request needs first (not counted), then return the
 * request itself, which the test sends and counts.
 */
export interface Driver {
  (world: World): Promise<() => Promise<Answer>>;
  /** Set by {@link readOnly}: the request, as driven, writes nothing. */
  readOnly?: true;
}

/** `driver`, for an endpoint that writes nothing: the test then checks it sends no write at all. */
export function readOnly(driver: Driver): Driver {
  return Object.assign(driver, { readOnly: true as const });
}

/** A server-only endpoint's call, answered as the HTTP ones are: its result, or the error it throws. */
export async function served(call: Promise<unknown>): Promise<Answer> {
  return { status: 200, headers: new Headers(), body: await call };
}
