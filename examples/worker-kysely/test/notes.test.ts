import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_NOTE_LENGTH } from "../src/notes.js";
import { addNote, call, callWithToken, signUpWithToken } from "./worker.js";

// sendEmail logs every verification mail sign-up sends; keep that out of the test output.
beforeEach(() => {
  vi.spyOn(console, "log").mockImplementation(() => {});
  return () => vi.restoreAllMocks();
});

interface NoteRow {
  id: string;
  user_id: string;
  text: string;
}

async function noteRowsOf(userId: string): Promise<NoteRow[]> {
  const { results } = await env.DB.prepare("SELECT id, user_id, text FROM note WHERE user_id = ? ORDER BY rowid").bind(userId).all<NoteRow>();
  return results;
}

describe("the notes API with a token from /api/auth/token", () => {
  it("stores a note in D1 for the token's user and answers 201 with it", async () => {
    const ada = await signUpWithToken();

    const res = await callWithToken("/api/notes", ada.token, { method: "POST", body: JSON.stringify({ text: "buy milk" }) });

    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const { note } = await res.json<{ note: { id: string; text: string; createdAt: string } }>();
    expect(note).toEqual({ id: expect.any(String), text: "buy milk", createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    expect(await noteRowsOf(ada.id)).toEqual([{ id: note.id, user_id: ada.id, text: "buy milk" }]);
  });

  it("lists the user's notes, newest first", async () => {
    const ada = await signUpWithToken();
    const first = await addNote(ada.token, "first");
    const second = await addNote(ada.token, "second");

    const res = await callWithToken("/api/notes", ada.token);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ notes: [second, first] });
  });

  it("returns one note by id", async () => {
    const ada = await signUpWithToken();
    const note = await addNote(ada.token, "just one");

    const res = await callWithToken(`/api/notes/${note.id}`, ada.token);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ note });
  });

  it("answers an empty list to a user with no notes", async () => {
    const ada = await signUpWithToken();

    const res = await callWithToken("/api/notes", ada.token);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ notes: [] });
  });
});

describe("one user's notes and another's", () => {
  it("lists only the caller's notes", async () => {
    const ada = await signUpWithToken();
    const grace = await signUpWithToken();
    const adas = await addNote(ada.token, "Ada's note");
    const graces = await addNote(grace.token, "Grace's note");

    const adaList = await (await callWithToken("/api/notes", ada.token)).json();
    const graceList = await (await callWithToken("/api/notes", grace.token)).json();

    expect(adaList).toEqual({ notes: [adas] });
    expect(graceList).toEqual({ notes: [graces] });
  });

  it("answers 404 when a user asks for another user's note by id, as if it did not exist", async () => {
    const ada = await signUpWithToken();
    const grace = await signUpWithToken();
    const adas = await addNote(ada.token, "private");

    const res = await callWithToken(`/api/notes/${adas.id}`, grace.token);
    const missing = await callWithToken(`/api/notes/${crypto.randomUUID()}`, grace.token);

    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body).toMatchObject({ code: "NOTE_NOT_FOUND" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual(body);
  });
});

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A JSON body of `bytes` bytes (`{"text":"xxx...`) that counts how much of it the Worker pulled. */
function countingBody(bytes: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = Math.min(CHUNK, bytes - sent);
      if (size <= 0) return controller.close();
      const chunk = new Uint8Array(size).fill(0x78);
      if (sent === 0) chunk.set(new TextEncoder().encode('{"text":"'));
      sent += size;
      controller.enqueue(chunk);
    },
  });
  return { body, pulled: () => sent };
}

describe("bodies POST /api/notes refuses", () => {
  const bad: [string, string, string][] = [
    ["not JSON", "{not json", "BODY_NOT_JSON"],
    ["empty", "", "BODY_NOT_JSON"],
    ["a JSON array", "[]", "TEXT_INVALID"],
    ["no text", "{}", "TEXT_INVALID"],
    ["text that is a number", '{"text":5}', "TEXT_INVALID"],
    ["text of only spaces", '{"text":"   "}', "TEXT_INVALID"],
    ["text over the limit", JSON.stringify({ text: "x".repeat(MAX_NOTE_LENGTH + 1) }), "TEXT_INVALID"],
  ];

  it.each(bad)("answers %s with 400 JSON and writes nothing", async (_, body, code) => {
    const ada = await signUpWithToken();

    const res = await callWithToken("/api/notes", ada.token, { method: "POST", body });

    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ code, message: expect.any(String) });
    expect(await noteRowsOf(ada.id)).toEqual([]);
  });

  it("answers an 11 MB body with 413 JSON, unread, with or without a Content-Length", async () => {
    const ada = await signUpWithToken();
    for (const declared of [true, false]) {
      const { body, pulled } = countingBody(11 * MB);

      const res = await callWithToken("/api/notes", ada.token, { method: "POST", body, headers: declared ? { "content-length": String(11 * MB) } : {} });

      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ code: "PAYLOAD_TOO_LARGE", message: expect.any(String) });
      // At most the 64 KiB cap and the chunk that crossed it: the rest was never read.
      expect(pulled()).toBeLessThanOrEqual(4 * CHUNK);
    }
    expect(await noteRowsOf(ada.id)).toEqual([]);
  });

  it("accepts text of exactly the limit", async () => {
    const ada = await signUpWithToken();

    const note = await addNote(ada.token, "x".repeat(MAX_NOTE_LENGTH));

    expect(note.text).toHaveLength(MAX_NOTE_LENGTH);
  });

  it("checks the token before the body: a bad body without a token is 401", async () => {
    const res = await call("/api/notes", { method: "POST", body: "{not json" });

    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "TOKEN_MISSING" });
  });
});

describe("a token whose user has been deleted since", () => {
  it("still lists (nothing), but cannot add a note: 401 USER_NOT_FOUND and no row", async () => {
    const ada = await signUpWithToken();
    await env.DB.prepare("DELETE FROM user WHERE id = ?").bind(ada.id).run();

    const list = await callWithToken("/api/notes", ada.token);
    const add = await callWithToken("/api/notes", ada.token, { method: "POST", body: JSON.stringify({ text: "orphan" }) });

    expect(await list.json()).toEqual({ notes: [] });
    expect(add.status).toBe(401);
    expect(await add.json()).toMatchObject({ code: "USER_NOT_FOUND" });
    expect(await noteRowsOf(ada.id)).toEqual([]);
  });
});

describe("other paths and methods", () => {
  it("answers an unknown path with 404 JSON", async () => {
    const res = await call("/nowhere");

    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: "NOT_FOUND", message: expect.any(String) });
  });

  it("answers a method a notes path does not take with 405 JSON and Allow", async () => {
    const ada = await signUpWithToken();

    const onList = await callWithToken("/api/notes", ada.token, { method: "DELETE" });
    const onNote = await callWithToken(`/api/notes/${crypto.randomUUID()}`, ada.token, { method: "POST", body: "{}" });

    expect(onList.status).toBe(405);
    expect(onList.headers.get("allow")).toBe("GET, POST");
    expect(await onList.json()).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
    expect(onNote.status).toBe(405);
    expect(onNote.headers.get("allow")).toBe("GET");
  });

  it("serves the public key set at /api/auth/jwks without credentials", async () => {
    const res = await call("/api/auth/jwks");

    expect(res.status).toBe(200);
    const { keys } = await res.json<{ keys: { kty: string; crv: string; alg: string; d?: string }[] }>();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    expect(keys.some((key) => "d" in key)).toBe(false);
  });
});
