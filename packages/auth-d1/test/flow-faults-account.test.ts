/**
 * Account flows with a fault at every D1 call, on both adapters: sign-in, password reset (request and reset),
 * change password revoking the other sessions, change email. After each fault the flow's invariants hold in
 * D1 and the same request then succeeds (test/support/fault-flows.ts). Also: one reset token sent by 10
 * parallel requests changes the password once. Email verification and user deletion:
 * flow-faults-deletes-and-enrolment.test.ts.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuthEmail, LinkEmail } from "../src/mail.js";
import type { AuthD1Options } from "../src/options.js";
import {
  anotherDevice,
  atEveryFault,
  factories,
  faultTestOptions,
  faultyD1,
  lastMailTo,
  passwordHash,
  pathOf,
  PASSWORD,
  rows,
  sessionTokens,
  signedUp,
  storedResetTokens,
  TestClient,
  userHasCredentialAccount,
  userState,
  type AdapterName,
} from "./support/index.js";

const names: AdapterName[] = ["drizzle", "kysely"];
const NEW_PASSWORD = "another horse battery staple";

describe.each(names)("%s: account flows with a fault at every D1 call", { timeout: 120_000 }, (name) => {
  const outbox: AuthEmail[] = [];
  const options: AuthD1Options = { ...faultTestOptions, sendEmail: (mail) => void outbox.push(mail) };
  const faulty = faultyD1(env.DB);
  const faultEnv = { ...env, DB: faulty.binding };
  const auth = () => factories[name](faultEnv, options);
  const signUp = (label: string) => signedUp(auth(), `${name}-ff-${label}`);

  it("sign-in: one session written or none", async () => {
    const user = await signUp("signin");
    await atEveryFault(faulty, {
      prepare: async () => ({ before: await sessionTokens(user.userId) }),
      request: () => new TestClient(auth()).post("/sign-in/email", { email: user.email, password: PASSWORD }),
      async outcome({ before }) {
        const added = (await sessionTokens(user.userId)).filter((t) => !before.includes(t));
        expect(added.length, "invariant signInWritesOneSession").toBeLessThanOrEqual(1);
        return added.length === 1 ? "done" : "undone";
      },
    });
  });

  it("request-password-reset: a reset mail is sent only with its token stored", async () => {
    const user = await signUp("askreset");
    await atEveryFault(faulty, {
      prepare: async () => ({ mailsBefore: outbox.length }),
      request: () => new TestClient(auth()).post("/request-password-reset", { email: user.email, redirectTo: "/reset" }),
      async outcome({ mailsBefore }) {
        const sent = outbox.slice(mailsBefore).filter((m): m is LinkEmail => m.kind === "reset-password" && m.to === user.email);
        const stored = await storedResetTokens(user.userId);
        for (const mail of sent) expect(stored, "invariant resetMailHasStoredToken").toContain(mail.token);
        return sent.length > 0 ? "done" : "undone";
      },
    });
  });

  it("reset-password: the token is spent iff the password changed, and then every session is revoked", async () => {
    await atEveryFault(faulty, {
      async prepare(label) {
        const user = await signUp(`reset-${label}`);
        expect((await new TestClient(auth()).post("/request-password-reset", { email: user.email, redirectTo: "/reset" })).status).toBe(200);
        const token = lastMailTo(outbox, user.email, "reset-password").token;
        return { ...user, token, hash: await passwordHash(user.userId), sessions: await sessionTokens(user.userId) };
      },
      request: ({ token }) => new TestClient(auth()).post("/reset-password", { token, newPassword: NEW_PASSWORD }),
      async outcome(state) {
        await userHasCredentialAccount(state.userId);
        const changed = (await passwordHash(state.userId)) !== state.hash;
        const tokenStored = (await storedResetTokens(state.userId)).includes(state.token);
        expect(tokenStored, "invariant resetTokenSpentIffPasswordChanged").toBe(!changed);
        expect(await sessionTokens(state.userId), "invariant resetRevokesSessionsIffPasswordChanged").toEqual(changed ? [] : state.sessions);
        return changed ? "done" : "undone";
      },
    });
  });



  it("change-password revoking other sessions: the password changed iff the other devices are signed out", async () => {
    await atEveryFault(faulty, {
      async prepare(label) {
        const user = await signUp(`chpw-${label}`);
        return { ...user, other: await anotherDevice(user.userId), own: user.client.sessionToken!, hash: await passwordHash(user.userId) };
      },
      request: ({ client }) => client.post("/change-password", { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, revokeOtherSessions: true }),
      async outcome(state) {
        await userHasCredentialAccount(state.userId);
        const changed = (await passwordHash(state.userId)) !== state.hash;
        const sessions = await sessionTokens(state.userId);
        expect(sessions.includes(state.other), "invariant otherSessionsRevokedIffPasswordChanged").toBe(!changed);
        // A failed change leaves the caller signed in; a done one signs them in on a new session (its cookie is checked to be stored).
        if (!changed) expect(sessions, "invariant failedChangeKeepsEverySession").toContain(state.own);
        return changed ? "done" : "undone";
      },
    });
  });



  it("change-email (unverified account) from the mailed link: the old address or the new one, whole", async () => {
    await atEveryFault(faulty, {
      async prepare(label) {
        const user = await signUp(`chemail-${label}`);
        const newEmail = `new-${user.email}`;
        expect((await user.client.post("/change-email", { newEmail })).status).toBe(200);
        return { ...user, newEmail, path: pathOf(lastMailTo(outbox, newEmail, "verify-email").url) };
      },
      request: ({ client, path }) => client.get(path),
      async outcome(state) {
        const email = (await userState(state.userId))!.email;
        expect([state.email, state.newEmail], "invariant emailIsOldOrNew").toContain(email);
        expect(await rows("SELECT id FROM user WHERE email IN (?, ?)", state.email, state.newEmail), "invariant oneUserForTheAddresses").toHaveLength(1);
        return email === state.newEmail ? "done" : "undone";
      },
    });
  });

});

describe.each(names)("%s: one password-reset token sent by 10 parallel requests", (name) => {
  const outbox: AuthEmail[] = [];
  const options: AuthD1Options = { ...faultTestOptions, sendEmail: (mail) => void outbox.push(mail) };
  const auth = () => factories[name](env, options);

  it("changes the password once: one 200, nine clean 4xx (spent token or write conflict), no 5xx, every session revoked", async () => {
    const user = await signedUp(auth(), `${name}-ff-reset-race`);
    expect((await new TestClient(auth()).post("/request-password-reset", { email: user.email, redirectTo: "/reset" })).status).toBe(200);
    const token = lastMailTo(outbox, user.email, "reset-password").token;
    const passwords = Array.from({ length: 10 }, (_, i) => `${NEW_PASSWORD} number ${i}`);
    const responses = await Promise.all(passwords.map((newPassword) => new TestClient(auth()).post("/reset-password", { token, newPassword })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500), `statuses: ${statuses}`).toEqual([]);
    expect(statuses.filter((s) => s === 200), `statuses: ${statuses}`).toHaveLength(1);
    // Refused as a spent token, or as a write conflict when another request consumed it between read and commit.
    for (const refused of responses.filter((r) => r.status !== 200)) {
      expect([`400 INVALID_TOKEN`, `409 WRITE_CONFLICT`]).toContain(`${refused.status} ${refused.body.code}`);
    }
    expect(await storedResetTokens(user.userId)).toEqual([]);
    expect(await sessionTokens(user.userId)).toEqual([]);
    const winner = passwords[statuses.indexOf(200)]!;
    const signIn = (password: string) => new TestClient(auth()).post("/sign-in/email", { email: user.email, password });
    expect((await signIn(winner)).status).toBe(200);
    expect((await signIn(PASSWORD)).status).toBe(401);
  });
});
