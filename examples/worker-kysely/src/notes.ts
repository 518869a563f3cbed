/**
 * `/api/notes`: each user's own short notes, in the `note` table (migrations/0003_notes.sql), through Kysely.
 *
 * @module
 */
import { Kysely, sql, type Generated, type Selectable } from "kysely";
import { D1Dialect } from "kysely-d1";
import { HttpError } from "./http-error.js";

/** The longest note we store, in UTF-16 code units (`string.length`). */
export const MAX_NOTE_LENGTH = 10_000;
/** How many notes `GET /api/notes` returns at most, newest first. */
export const NOTES_PAGE_SIZE = 100;

interface NoteTable {
  id: string;
  user_id: string;
  text: string;
  created_at: Generated<string>;
}

/** The tables this module queries. better-auth's own tables are its business, through its own Kysely. */
interface NotesDatabase {
  note: NoteTable;
}

/** A note as the API returns it. */
export interface Note {
  id: string;
  text: string;
  /** ISO 8601, UTC, set by D1 on insert. */
  createdAt: string;
}

/**
 * Answers a request under `/api/notes` for the user `userId`, already authenticated:
 * `GET /api/notes` lists their notes, `POST /api/notes` with `{ "text": "..." }` adds one,
 * `GET /api/notes/<id>` returns one of theirs. Another user's note is 404, as if it did not exist.
 *
 * @example
 * ```ts
 * if (url.pathname.startsWith("/api/notes")) return notesResponse(request, env, await bearerUserId(...));
 * ```
 */
export async function notesResponse(request: Request, env: Env, userId: string): Promise<Response> {
  const db = new Kysely<NotesDatabase>({ dialect: new D1Dialect({ database: env.DB }) });
  const id = noteIdOf(new URL(request.url).pathname);
  if (id === undefined && request.method === "GET") return Response.json({ notes: await listNotes(db, userId) });
  if (id === undefined) return Response.json({ note: await addNote(db, userId, await noteText(request)) }, { status: 201 });
  return Response.json({ note: await findNote(db, userId, id) });
}

/**
 * The methods each notes path allows, or undefined when `pathname` is not a notes path: the router answers
 * 404 and 405 from this before it asks for a token.
 *
 * @example
 * ```ts
 * notesMethods("/api/notes"); // ["GET", "POST"]
 * ```
 */
export function notesMethods(pathname: string): readonly string[] | undefined {
  if (pathname === "/api/notes") return ["GET", "POST"];
  if (noteIdOf(pathname) !== undefined) return ["GET"];
  return undefined;
}

function noteIdOf(pathname: string): string | undefined {
  return /^\/api\/notes\/([^/]+)$/.exec(pathname)?.[1];
}

async function listNotes(db: Kysely<NotesDatabase>, userId: string): Promise<Note[]> {
  const rows = await db
    .selectFrom("note")
    .select(["id", "text", "created_at"])
    .where("user_id", "=", userId)
    // rowid breaks ties between notes written in the same millisecond, in the order they were written.
    .orderBy("created_at", "desc")
    .orderBy(sql`rowid`, "desc")
    .limit(NOTES_PAGE_SIZE)
    .execute();
  return rows.map(toNote);
}

async function findNote(db: Kysely<NotesDatabase>, userId: string, id: string): Promise<Note> {
  const row = await db
    .selectFrom("note")
    .select(["id", "text", "created_at"])
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (row === undefined) throw new HttpError(404, "NOTE_NOT_FOUND", "You have no note with this id.");
  return toNote(row);
}

async function addNote(db: Kysely<NotesDatabase>, userId: string, text: string): Promise<Note> {
  try {
    const row = await db
      .insertInto("note")
      .values({ id: crypto.randomUUID(), user_id: userId, text })
      .returning(["id", "text", "created_at"])
      .executeTakeFirstOrThrow();
    return toNote(row);
  } catch (error) {
    // The token is still within its lifetime, but its user has been deleted since it was issued.
    if (String(error).includes("FOREIGN KEY constraint failed")) {
      throw new HttpError(401, "USER_NOT_FOUND", "The user this token was issued to no longer exists.", { cause: error });
    }
    throw error;
  }
}

/** The `text` of a `{ "text": "..." }` body, or a 400. */
async function noteText(request: Request): Promise<string> {
  let body: unknown;
  try {
    body = await request.json();
  } catch (error) {
    throw new HttpError(400, "BODY_NOT_JSON", 'The body must be JSON: { "text": "..." }.', { cause: error });
  }
  const text = typeof body === "object" && body !== null && "text" in body ? body.text : undefined;
  if (typeof text !== "string" || text.trim() === "" || text.length > MAX_NOTE_LENGTH) {
    throw new HttpError(400, "TEXT_INVALID", `"text" must be a string of 1 to ${MAX_NOTE_LENGTH} characters, not only spaces.`);
  }
  return text;
}

function toNote(row: Pick<Selectable<NoteTable>, "id" | "text" | "created_at">): Note {
  return { id: row.id, text: row.text, createdAt: row.created_at };
}
