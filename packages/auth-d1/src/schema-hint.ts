/**
 * better-auth's schema check, pointed at `auth-d1 generate`. When the database (or the Drizzle tables) lag
 * the options, better-auth answers every request with 500 and tells the user to run its own CLI, whose
 * camelCase columns and integer dates break this package's schema.
 *
 * @module
 */
import { snakeCase } from "./generate/snake-case.js";
import { wrapSchemaCheck } from "./integration/better-auth-contracts.js";

interface SchemaFinding {
  kind: string;
  table: string;
  column?: string;
}

/**
 * Rewrites the message of the schema mismatch `auth`'s check throws, so it names `auth-d1 generate` and
 * the missing tables and columns in our snake_case; the error keeps its class, `code` and `findings`.
 *
 * @example
 * ```ts
 * const auth = withGenerateHint(betterAuth(options));
 * ```
 */
export function withGenerateHint<A extends { $context: Promise<unknown> }>(auth: A): A {
  // Registered before any request awaits the context, so every request sees the wrapped check.
  auth.$context.then(
    (context) => wrapSchemaCheck(context, (check) => () => check()?.catch((error: unknown) => Promise.reject(withHint(error)))),
    // A failed build is reported by every request that awaits it; nothing to add here.
    () => undefined,
  );
  return auth;
}

function withHint(error: unknown): unknown {
  const findings = (error as { findings?: SchemaFinding[] } | null)?.findings;
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== "SCHEMA_MISMATCH" || !Array.isArray(findings)) return error;
  if (error.message.startsWith("[auth-d1]")) return error;
  const drizzle = (error as { source?: string }).source === "drizzle";
  // A Drizzle schema is keyed by better-auth's names (user.companyName); the database by our columns.
  const name = drizzle ? (n: string): string => n : snakeCase;
  const tables = findings.filter((f) => f.kind === "missing-table").map((f) => name(f.table));
  const columns = findings.filter((f) => f.kind === "missing-column").map((f) => `${name(f.table)}.${name(f.column ?? "")}`);
  const required = findings.filter((f) => f.kind === "unexpected-required-column").map((f) => `${name(f.table)}.${name(f.column ?? "")}`);
  const lines = [`[auth-d1] ${drizzle ? "The Drizzle tables passed as `schema`" : "The database"} lack${drizzle ? "" : "s"} what these options need.`];
  if (tables.length > 0) lines.push(`  Missing tables: ${tables.join(", ")}`);
  if (columns.length > 0) lines.push(`  Missing columns: ${columns.join(", ")}`);
  if (required.length > 0) lines.push(`  Required columns better-auth never writes (inserts fail): ${required.join(", ")}`);
  lines.push(
    drizzle
      ? "Run `npx auth-d1 generate --config <your options module> --drizzle <file>` and pass `schema: { ...authSchema, ...generatedSchema }` to createAuth; apply the migration it writes with `npx wrangler d1 migrations apply <DATABASE>`."
      : "Run `npx auth-d1 generate --config <your options module>`, then `npx wrangler d1 migrations apply <DATABASE> --local` (and --remote).",
    "Not `npx auth generate` or `npx auth migrate`: their camelCase columns and integer dates do not match @acme/auth-d1's schema. See docs/plugins.md.",
    "",
    `better-auth said: ${error.message}`,
  );
  error.message = lines.join("\n");
  return error;
}
