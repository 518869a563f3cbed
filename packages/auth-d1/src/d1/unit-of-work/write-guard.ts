/**
 * The guard a held write carries into the commit: the batch fails unless the write still changes the rows the
 * flow was answered with.
 *
 * @module
 */
import { errorText } from "../retry.js";

/**
 * Sent after a held write whose rows the flow was given (it has RETURNING): the batch fails (`json()` of a
 * string that is not JSON) unless the write changed exactly as many rows as it was answered with. Another
 * request that consumed the token, took the seat or deleted the row first so undoes the whole unit.
 */
export const WRITE_GUARD = "SELECT json(CASE WHEN changes() = ? THEN '0' ELSE 'auth-d1 write conflict' END)";

/**
 * Whether `error` is a held write's guard refusing the commit: another request changed its rows first.
 *
 * @example
 * ```ts
 * if (isWriteConflict(error)) return conflict(); // 409 WRITE_CONFLICT
 * ```
 */
export function isWriteConflict(error: unknown): boolean {
  return /malformed JSON/i.test(errorText(error));
}
