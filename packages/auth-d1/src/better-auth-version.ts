/**
 * The better-auth versions this release was tested with, and the one warning at start-up when the installed
 * better-auth is outside them: we lean on better-auth internals (its request context, its adapter's
 * transactions), so an untested version may differ in ways no type shows.
 *
 * @module
 */

/**
 * The oldest and the newest better-auth that `pnpm test:compat lowest` and `pnpm test:compat latest` passed
 * with for this release. The oldest is the floor of the `better-auth` peer range in package.json (a test
 * keeps them equal); the newest moves when a compatibility run passes on a newer release.
 *
 * @example
 * ```ts
 * console.log(`tested with better-auth ${TESTED_BETTER_AUTH.lowest} to ${TESTED_BETTER_AUTH.newest}`);
 * ```
 */
export const TESTED_BETTER_AUTH = { lowest: "1.7.25", newest: "1.7.29" } as const;

const warned = new Set<string>();

/**
 * What to tell a user whose better-auth is `installed`, or `undefined` when it is a tested version. A
 * prerelease counts as untested, and so does anything this function cannot read as `major.minor.patch`.
 *
 * @example
 * ```ts
 * untestedVersionWarning("1.8.0"); // "[auth-d1] better-auth 1.8.0 is installed, but ..."
 * untestedVersionWarning("1.7.27"); // undefined
 * ```
 */
export function untestedVersionWarning(installed: string): string | undefined {
  const version = parseVersion(installed);
  const lowest = parseVersion(TESTED_BETTER_AUTH.lowest)!;
  const newest = parseVersion(TESTED_BETTER_AUTH.newest)!;
  if (version !== undefined && compare(version, lowest) >= 0 && compare(version, newest) <= 0) return undefined;
  const side = version !== undefined && compare(version, lowest) < 0 ? "older than" : "outside";
  return (
    `[auth-d1] better-auth ${installed} is installed, ${side} the versions this release of @acme/auth-d1 was tested with ` +
    `(${TESTED_BETTER_AUTH.lowest} to ${TESTED_BETTER_AUTH.newest}). It may work, but nothing has checked it: install a tested ` +
    `better-auth (npm install better-auth@${TESTED_BETTER_AUTH.newest}), or upgrade @acme/auth-d1 if a newer release supports yours.`
  );
}

/**
 * Warns through `warn` once per isolate for each untested better-auth version it is given.
 *
 * @example
 * ```ts
 * warnIfUntested(getBetterAuthVersion(), console.warn);
 * ```
 */
export function warnIfUntested(installed: string, warn: (message: string) => void): void {
  if (warned.has(installed)) return;
  const message = untestedVersionWarning(installed);
  if (message === undefined) return;
  warned.add(installed);
  warn(message);
}

/** `[major, minor, patch]` of a plain release; `undefined` for a prerelease or anything else. */
function parseVersion(text: string): [number, number, number] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < 3; index++) if (a[index] !== b[index]) return a[index]! - b[index]!;
  return 0;
}
