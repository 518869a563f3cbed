/**
 * The response to a flow whose commit failed must not carry what the flow set before it failed.
 *
 * @module
 */
import type { BetterAuthPlugin } from "better-auth";

/** Set on the error of a failed commit that the route answers as a 4xx, and removed before the response leaves. */
export const FAILED_COMMIT_HEADER = "x-auth-d1-failed-commit";

/**
 * A route sets its cookies (the new session's) before its unit of work commits; when the commit fails, the
 * error response would still carry them, for a session that was never written. This plugin drops every
 * `Set-Cookie` of such a response.
 *
 * @example
 * ```ts
 * betterAuth({ database, plugins: [failedCommit()] });
 * ```
 */
export function failedCommit(): BetterAuthPlugin {
  return {
    id: "auth-d1-failed-commit",
    async onResponse(response) {
      if (!response.headers.has(FAILED_COMMIT_HEADER)) return;
      const headers = new Headers(response.headers);
      headers.delete("set-cookie");
      headers.delete(FAILED_COMMIT_HEADER);
      return { response: new Response(response.body, { status: response.status, statusText: response.statusText, headers }) };
    },
  };
}
