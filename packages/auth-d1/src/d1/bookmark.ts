/**
 * D1 bookmarks as clients carry them: signed, so a bookmark this deployment did not hand out is ignored.
 *
 * @module
 */

/** Longer than any bookmark D1 hands out and its tag: anything longer is not ours, and is not parsed. */
const MAX_TOKEN_LENGTH = 256;
/** 128 bits of HMAC-SHA256: enough to make a forged bookmark a guess, and 22 characters in the cookie. */
const TAG_BYTES = 16;
/** Kept apart from better-auth's own cookie signatures, which use the same secret. */
const CONTEXT = "@acme/auth-d1 d1-bookmark v1";

/**
 * Signs and checks bookmarks for one database under the deployment's secrets (newest first, the way
 * `BETTER_AUTH_SECRETS` lists them). A token is `<bookmark>.<tag>`; the tag covers the database's binding
 * name too, so a bookmark from another database of the same deployment is foreign as well.
 *
 * @example
 * ```ts
 * const bookmarks = bookmarkSigner(["the-secret-of-at-least-32-characters"], "DB");
 * const token = await bookmarks.sign(session.getBookmark()!);
 * await bookmarks.verify(token); // the bookmark, or undefined if the token was not signed here
 * ```
 */
export interface BookmarkSigner {
  sign(bookmark: string): Promise<string>;
  /** The bookmark `token` carries, or `undefined` when it is malformed, tampered with or signed elsewhere. */
  verify(token: string): Promise<string | undefined>;
}

/** See {@link BookmarkSigner}. */
export function bookmarkSigner(secrets: readonly string[], databaseName: string): BookmarkSigner {
  const keys = secrets.map((secret) => importKey(secret));
  const tag = async (key: Promise<CryptoKey>, bookmark: string): Promise<string> => {
    const data = new TextEncoder().encode(`${CONTEXT}\n${databaseName}\n${bookmark}`);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await key, data));
    return base64url(mac.subarray(0, TAG_BYTES));
  };
  return {
    async sign(bookmark) {
      return `${bookmark}.${await tag(keys[0]!, bookmark)}`;
    },
    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH) return undefined;
      const dot = token.lastIndexOf(".");
      if (dot < 1) return undefined;
      const bookmark = token.slice(0, dot);
      const given = token.slice(dot + 1);
      // A token signed under a secret still being rotated out stays good until that secret is dropped.
      for (const key of keys) {
        if (timingSafeEqual(given, await tag(key, bookmark))) return bookmark;
      }
      return undefined;
    },
  };
}

function importKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Compares every character whatever the first difference, so the time taken says nothing about the tag. */
function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
