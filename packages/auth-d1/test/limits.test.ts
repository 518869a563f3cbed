/**
 * The `limits` option of createAuth: each limit a Worker sets replaces its default (64 KiB body, 256-character
 * name, 2048-character image), on both adapters, at the boundary and one past it.
 */
import { describe, expect, it } from "vitest";
import { adaptersWith, authPost, one, PASSWORD, signedUp, uniqueEmail } from "./support/index.js";

const LIMITS = { maxBodyBytes: 2048, maxNameLength: 20, maxImageLength: 40 };
const IMAGE_PREFIX = "https://example.com/";

const both = adaptersWith((sendEmail) => ({ sendEmail, limits: LIMITS }));

describe.each(both)("$name adapter with limits set through createAuth", ({ name, auth }) => {
  async function signUpRaw(body: string) {
    const res = await auth().handler(authPost("/sign-up/email", body));
    return { status: res.status, body: await res.json<{ code?: string; message?: string }>() };
  }

  /** A sign-up body of exactly `bytes` bytes: JSON allows trailing white space, so the fields stay ordinary. */
  function signUpBody(email: string, bytes: number): string {
    const json = JSON.stringify({ email, password: PASSWORD, name: "Ada" });
    expect(bytes).toBeGreaterThanOrEqual(json.length);
    return json + " ".repeat(bytes - json.length);
  }

  it("takes a body of maxBodyBytes and refuses one byte more with 413", async () => {
    const accepted = uniqueEmail(`${name}-limit-body-ok`);
    expect((await signUpRaw(signUpBody(accepted, LIMITS.maxBodyBytes))).status).toBe(200);
    expect(await one("SELECT id FROM user WHERE email = ?", accepted)).toBeDefined();

    const refused = uniqueEmail(`${name}-limit-body-over`);
    const res = await signUpRaw(signUpBody(refused, LIMITS.maxBodyBytes + 1));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ code: "PAYLOAD_TOO_LARGE", message: `The request body is larger than ${LIMITS.maxBodyBytes} bytes.` });
    expect(await one("SELECT id FROM user WHERE email = ?", refused)).toBeUndefined();
  });

  it("takes a name of maxNameLength and refuses a longer one at sign-up and on update", async () => {
    const longest = "n".repeat(LIMITS.maxNameLength);
    const { client, email } = await signedUp(auth(), `${name}-limit-name`, longest);
    expect(await one("SELECT name FROM user WHERE email = ?", email)).toEqual({ name: longest });

    const tooLong = `${longest}n`;
    const refusedEmail = uniqueEmail(`${name}-limit-name-over`);
    const signUp = await signUpRaw(JSON.stringify({ email: refusedEmail, password: PASSWORD, name: tooLong }));
    expect(signUp.status).toBe(400);
    expect(signUp.body).toEqual({ code: "FIELD_TOO_LONG", message: `name has ${tooLong.length} characters; at most ${LIMITS.maxNameLength} are allowed.` });
    expect(await one("SELECT id FROM user WHERE email = ?", refusedEmail)).toBeUndefined();

    const update = await client.post("/update-user", { name: tooLong });
    expect(update.status).toBe(400);
    expect(update.body.code).toBe("FIELD_TOO_LONG");
    expect(await one("SELECT name FROM user WHERE email = ?", email)).toEqual({ name: longest });
  });

  it("takes an image URL of maxImageLength and refuses a longer one", async () => {
    const { client, email } = await signedUp(auth(), `${name}-limit-image`);
    const longest = IMAGE_PREFIX + "i".repeat(LIMITS.maxImageLength - IMAGE_PREFIX.length);
    expect((await client.post("/update-user", { image: longest })).status).toBe(200);
    expect(await one("SELECT image FROM user WHERE email = ?", email)).toEqual({ image: longest });

    const res = await client.post("/update-user", { image: `${longest}i` });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: "FIELD_TOO_LONG", message: `image has ${LIMITS.maxImageLength + 1} characters; at most ${LIMITS.maxImageLength} are allowed.` });
    expect(await one("SELECT image FROM user WHERE email = ?", email)).toEqual({ image: longest });
  });
});
