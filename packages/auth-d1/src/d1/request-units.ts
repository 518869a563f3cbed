/**
 * Flows better-auth does not run in a transaction, but that write more than one row, run as one unit of work
 * all the same: their endpoint is wrapped in better-auth's own `runWithTransaction`.
 *
 * @module
 */
import { runWithTransaction } from "@better-auth/core/context";
import type { BetterAuthPlugin } from "better-auth";
import { deleteUser, deleteUserCallback, isAPIError } from "better-auth/api";

/**
 * The endpoints that write several rows outside any transaction of better-auth's, each run as one unit:
 * its writes land in one `batch()` when the endpoint returns, or none of them when it throws. Endpoints that
 * must keep a write while they refuse the request (two-factor and OTP verification count failed attempts)
 * are not in the list: a unit would undo the count with the refusal.
 */
export const UNIT_OF_WORK_PATHS: ReadonlySet<string> = new Set([
  "/delete-user",
  "/delete-user/callback",
  "/verify-email",
  "/organization/create",
  "/organization/delete",
  "/organization/accept-invitation",
  "/organization/remove-member",
  "/organization/leave",
  "/organization/create-team",
  "/organization/remove-team",
  "/organization/add-team-member",
  "/organization/remove-team-member",
  "/admin/remove-user",
  "/admin/ban-user",
  "/two-factor/enable",
  "/two-factor/disable",
]);

/** What the wrapper needs of an endpoint: better-call calls it with a context that carries better-auth's. */
type Endpoint = ((input: EndpointInput) => Promise<unknown>) & { path?: string };
interface EndpointInput {
  context: { adapter: Parameters<typeof runWithTransaction>[0] };
}

/**
 * `endpoint` run in one unit of work. A redirect is how some endpoints answer success (`/verify-email` with a
 * `callbackURL`): it commits the unit before it is thrown on; any other error discards it.
 */
function inUnitOfWork<E>(endpoint: E): E {
  const run = endpoint as unknown as Endpoint;
  const wrapped = async (input: EndpointInput) => {
    let redirect: unknown;
    const result = await runWithTransaction(input.context.adapter, async () => {
      try {
        return await run(input);
      } catch (error) {
        if (!isAPIError(error) || error.statusCode !== 302) throw error;
        redirect = error;
        return undefined;
      }
    });
    if (redirect !== undefined) throw redirect;
    return result;
  };
  // better-call reads the path, the options and the rest from the endpoint's own properties.
  return Object.assign(wrapped, endpoint) as unknown as E;
}

/**
 * `plugins` with every endpoint whose path is in {@link UNIT_OF_WORK_PATHS} run as one unit of work, and a
 * plugin of ours that does the same for better-auth's own `/delete-user` and `/delete-user/callback`.
 *
 * @example
 * ```ts
 * betterAuth({ database, plugins: withRequestUnits([organization()]) });
 * ```
 */
export function withRequestUnits(plugins: readonly BetterAuthPlugin[]): BetterAuthPlugin[] {
  const wrapped = plugins.map((plugin) => {
    if (!plugin.endpoints) return plugin;
    const endpoints = Object.fromEntries(
      Object.entries(plugin.endpoints).map(([key, endpoint]) => {
        const path = (endpoint as Endpoint | undefined)?.path;
        return [key, path !== undefined && UNIT_OF_WORK_PATHS.has(path) ? inUnitOfWork(endpoint) : endpoint];
      }),
    );
    return { ...plugin, endpoints } as BetterAuthPlugin;
  });
  // A plugin's endpoint under the same key replaces better-auth's own in the router and in auth.api.
  const core: BetterAuthPlugin = {
    id: "auth-d1-request-units",
    endpoints: { deleteUser: inUnitOfWork(deleteUser), deleteUserCallback: inUnitOfWork(deleteUserCallback) },
  };
  return [core, ...wrapped];
}
