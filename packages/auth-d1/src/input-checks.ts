/**
 * What a stored name, slug or image URL may contain. better-auth stores whatever a client sends; these
 * checks refuse what no person types and what turns into an attack when shown: control characters, bidi
 * overrides that reorder the text around them, lone surrogates (invalid UTF-8 once stored), non-http(s)
 * image URLs (`javascript:`) and markup in slugs. Ordinary Unicode (accents, CJK, emoji) passes.
 *
 * @module
 */
import { APIError } from "better-auth/api";
import type { AuthD1RequestErrorCode } from "./errors.js";

// C0 and C1 controls and DEL (tab and newline included: a name is one line), and the bidi controls
// (LRM, RLM, ALM, the embeddings and overrides U+202A-U+202E, the isolates U+2066-U+2069).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
// Without the `u` flag a regex sees UTF-16 code units, so it can find a surrogate without its pair.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const SLUG = /^[\p{L}\p{N}](?:[\p{L}\p{N}._-]*[\p{L}\p{N}])?$/u;

function refuse(code: AuthD1RequestErrorCode, message: string): never {
  throw new APIError("BAD_REQUEST", { code, message });
}

/**
 * Refuses a `field` value with a control character, a bidi control or a lone surrogate (400 `INVALID_TEXT`).
 *
 * @example
 * ```ts
 * assertPlainText("name", "Zoë 山田 👩‍💻"); // passes
 * assertPlainText("name", "evil\u202Egnp.exe"); // throws INVALID_TEXT
 * ```
 */
export function assertPlainText(field: string, value: unknown): void {
  if (typeof value !== "string") return;
  if (LONE_SURROGATE.test(value)) refuse("INVALID_TEXT", `${field} contains a lone surrogate, which is not text; send it as valid UTF-16/UTF-8.`);
  const found = FORBIDDEN_CHARACTER.exec(value);
  if (found) {
    const point = `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    refuse("INVALID_TEXT", `${field} contains ${point}, a control or bidirectional formatting character; remove it.`);
  }
}

/**
 * Refuses an image URL that is not an absolute http(s) URL (400 `INVALID_URL`); `null` and `""` clear it.
 *
 * @example
 * ```ts
 * assertImageURL("image", "https://example.com/me.png"); // passes
 * assertImageURL("image", "javascript:alert(1)"); // throws INVALID_URL
 * ```
 */
export function assertImageURL(field: string, value: unknown): void {
  if (typeof value !== "string" || value === "") return;
  const protocol = URL.parse(value)?.protocol;
  if (protocol !== "https:" && protocol !== "http:") refuse("INVALID_URL", `${field} must be an absolute http(s) URL.`);
}

/**
 * Refuses a slug that is not letters and digits joined by `-`, `_` or `.` (400 `INVALID_SLUG`).
 *
 * @example
 * ```ts
 * assertSlug("slug", "acme-labs"); // passes
 * assertSlug("slug", "<b>acme</b>"); // throws INVALID_SLUG
 * ```
 */
export function assertSlug(field: string, value: unknown): void {
  if (typeof value !== "string") return;
  if (!SLUG.test(value)) refuse("INVALID_SLUG", `${field} may hold only letters, digits, and "-", "_" or "." between them.`);
}
