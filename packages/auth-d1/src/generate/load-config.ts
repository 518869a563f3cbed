/**
 * Loads the options module `auth-d1 generate --config` names: the same object the Worker passes to
 * `createAuth`, exported as `default` or `options`.
 *
 * @module
 */
import { access } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AuthD1Options } from "../options.js";

/** Tried in order when `--config` is not given. */
export const DEFAULT_CONFIGS = ["auth.config.ts", "auth.config.mts", "auth.config.js", "auth.config.mjs"];

/**
 * Imports `path` (relative to the working directory) and returns its options. TypeScript loads through
 * Node's own type stripping (Node 22.18+, 23.6+), so no TS runner is needed.
 *
 * @example
 * ```ts
 * const options = await loadOptions("auth.config.ts");
 * ```
 */
export async function loadOptions(path: string): Promise<AuthD1Options> {
  const url = pathToFileURL(resolve(path)).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_UNKNOWN_FILE_EXTENSION" || code === "ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING") {
      throw new Error(
        `[auth-d1] ${path}: this Node.js (${process.version}) cannot load TypeScript by itself. Use Node.js 22.18 or later, or run the CLI through tsx: \`npx tsx node_modules/@acme/auth-d1/dist/cli.js generate --config ${path}\` (npm i -D tsx), or write the config as .js.`,
        { cause: error },
      );
    }
    if (code === "ERR_MODULE_NOT_FOUND" && /\.ts$/.test(path)) {
      throw new Error(
        `[auth-d1] ${path} could not be loaded: ${(error as Error).message}\nNode loads TypeScript without a build step only when relative imports name the .ts file ("./mail.ts", not "./mail.js"). Fix the import, or run the CLI through tsx: \`npx tsx node_modules/@acme/auth-d1/dist/cli.js generate --config ${path}\`.`,
        { cause: error },
      );
    }
    throw error;
  }
  const options = module.default ?? module.options;
  if (options === null || typeof options !== "object") {
    throw new Error(`[auth-d1] ${path} exports no options: \`export default options\` (or \`export const options\`), the object you pass to createAuth.`);
  }
  return options as AuthD1Options;
}

/** The first of {@link DEFAULT_CONFIGS} in the working directory, if any. */
export async function findConfig(): Promise<string | undefined> {
  for (const name of DEFAULT_CONFIGS) {
    if (await access(name).then(() => true, () => false)) return name;
  }
  return undefined;
}
