/**
 * Runs a callback in a unit of work and commits it, turning a failed commit into the error the flow gives
 * when its writes run one by one.
 *
 * @module
 */
import { APIError, isAPIError } from "better-auth/api";
import { FAILED_COMMIT_HEADER } from "./failed-commit.js";
import { errorText } from "./retry.js";
import type { D1DatabaseBinding } from "../env.js";
import { AUTH_D1_REQUEST_ERROR_CODES } from "../errors.js";
import type { TableCatalog } from "./unit-of-work/catalog.js";
import { openUnitOfWork, type UnitOfWork } from "./unit-of-work/unit-of-work.js";
import { isWriteConflict } from "./unit-of-work/write-guard.js";

/**
 * Runs `callback` on a unit's binding, then commits the unit in one batch. If the callback throws, nothing it
 * held back is written; if the commit fails, nothing of it is written either (D1 runs a batch as one
 * transaction), and a constraint failure becomes the 4xx the route answers without batching.
 *
 * @example
 * ```ts
 * const user = await inUnitOfWork(env.DB, new Map(), (binding) => drizzle(binding).insert(userTable).values(row).returning());
 * ```
 */
export async function inUnitOfWork<T>(database: D1DatabaseBinding, catalog: TableCatalog, callback: (binding: D1DatabaseBinding) => Promise<T>): Promise<T> {
  const unit = openUnitOfWork(database, catalog);
  let result: T;
  try {
    result = await callback(unit.binding);
  } catch (error) {
    unit.discard();
    throw error;
  }
  await commitUnitOfWork(unit);
  return result;
}

/**
 * Commits `unit`, with a failed commit turned into the error the flow gives when its writes run one by one.
 *
 * @example
 * ```ts
 * const unit = openUnitOfWork(env.DB);
 * await drizzle(unit.binding).insert(userTable).values(row);
 * await commitUnitOfWork(unit); // a duplicate email throws 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL
 * ```
 */
export async function commitUnitOfWork(unit: UnitOfWork): Promise<void> {
  try {
    await unit.commit();
  } catch (error) {
    throw commitError(error);
  }
}

/**
 * A duplicate email held in the unit only meets the unique index at commit, after the route's own check;
 * the route answers that race with 422 `USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL` when writes run one by one,
 * so the commit does too. Whatever failed, the response must not carry the cookies the flow set before its
 * commit: an `APIError` (the 422, or one a wrapped binding threw) is marked for `failedCommit()`, which
 * drops them and keeps the status; any other error is answered by better-call with a bare 500, no headers.
 */
function commitError(error: unknown): unknown {
  if (isAPIError(error)) {
    const headers = new Headers(error.headers);
    headers.set(FAILED_COMMIT_HEADER, "1");
    error.headers = headers;
    return error;
  }
  const message = errorText(error);
  if (isWriteConflict(error)) {
    // A held write's guard: another request consumed the token, took the seat or changed the row first.
    return new APIError(
      "CONFLICT",
      { code: "WRITE_CONFLICT", message: AUTH_D1_REQUEST_ERROR_CODES.WRITE_CONFLICT },
      { [FAILED_COMMIT_HEADER]: "1" },
    );
  }
  if (/UNIQUE constraint failed: user\.email/i.test(message)) {
    // The header tells failedCommit() to drop the cookies of the session this commit never wrote.
    return new APIError(
      "UNPROCESSABLE_ENTITY",
      { code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", message: "User already exists. Use another email." },
      { [FAILED_COMMIT_HEADER]: "1" },
    );
  }
  return error;
}
