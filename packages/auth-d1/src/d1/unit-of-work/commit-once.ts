/**
 * The commit of a unit: its batch lands exactly once, also when D1 loses the answer to the first try.
 *
 * @module
 */
import type { D1DatabaseBinding } from "../../env.js";
import { isTransientD1Error } from "../retry.js";

/** The row the unit's first held statement inserts under an id this request made up. */
export interface CommitMarker {
  table: string;
  id: unknown;
}

/**
 * Sends the unit's batch; when it fails with a transient error, sends it once more only if its first
 * statement inserts a row under an id this request made up (every held INSERT of better-auth's carries one,
 * and nobody else knows it before the response leaves). D1 runs a batch as one transaction, so either the
 * first try wrote nothing and the second runs it afresh, or the first try committed and the second fails,
 * writing nothing: the batch lands exactly once. Which of the two happened is read, not guessed: if the second
 * try fails, the row with that id exists only if the first one committed.
 *
 * @example
 * ```ts
 * await commitOnce(env.DB, [insertUser, insertSession], { table: "user", id: userId });
 * ```
 */
export async function commitOnce(database: D1DatabaseBinding, pending: unknown[], marker: CommitMarker | undefined): Promise<void> {
  try {
    await database.batch(pending);
  } catch (error) {
    if (marker === undefined || !isTransientD1Error(error)) throw error;
    await new Promise((resolve) => setTimeout(resolve, 20));
    try {
      await database.batch(pending);
    } catch (retryError) {
      const probe = database.prepare(`SELECT 1 AS found FROM "${marker.table}" WHERE "id" = ?`) as { bind(...params: unknown[]): { first(column: string): Promise<unknown> } };
      const committed = await probe.bind(marker.id).first("found").catch(() => null);
      if (committed === 1) return; // the first try had committed; the second wrote nothing
      throw isTransientD1Error(retryError) ? error : retryError;
    }
  }
}
