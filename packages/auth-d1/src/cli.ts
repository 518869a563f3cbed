#!/usr/bin/env node
/**
 * `auth-d1 migrations <dir>`: copies the SQL migrations this package ships into a Worker's migrations folder.
 * `auth-d1 generate`: writes the next migration (and Drizzle tables) for the options a Worker passes to createAuth.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { copyMigrations } from "./copy-migrations.js";

const USAGE = `usage: auth-d1 migrations [dir]
       auth-d1 generate [--config auth.config.ts] [--out migrations] [--drizzle src/auth-schema.ts] [--check]

migrations  Copies @acme/auth-d1's SQL migrations into dir (default: ./migrations), numbered after the
            migrations already there. Files copied before are recognised and skipped, so run it again after
            every upgrade, then: wrangler d1 migrations apply <DATABASE> --local (or --remote).

generate    Computes the tables and columns better-auth needs for the options the config module exports
            (default export or \`options\`; default file: ./auth.config.ts, .mts, .js or .mjs), compares them
            with what the migrations in --out (default: ./migrations) create, and writes only the difference
            as the next numbered migration. --drizzle also writes the Drizzle tables for the drizzle entry.
            --check writes nothing and exits 1 when the migrations (or the Drizzle file) lag the options.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "generate") return runGenerate(rest);
  const [dir = "migrations", ...extra] = rest;
  if (command !== "migrations" || extra.length > 0) {
    console.error(USAGE);
    return command === "--help" || command === "-h" ? 0 : 2;
  }
  const copied = await copyMigrations(dir);
  if (copied.length === 0) console.log(`[auth-d1] ${dir} already has every auth-d1 migration.`);
  for (const file of copied) console.log(`[auth-d1] added ${file}`);
  return 0;
}

async function runGenerate(args: string[]): Promise<number> {
  let values: { config?: string; out?: string; drizzle?: string; check?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { config: { type: "string" }, out: { type: "string" }, drizzle: { type: "string" }, check: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }));
  } catch (error) {
    console.error(`[auth-d1] ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  quietExperimentalWarnings();
  // Loaded on demand: `auth-d1 migrations` needs none of better-auth.
  const { generate } = await import("./generate/generate.js");
  const { findConfig, loadOptions, DEFAULT_CONFIGS } = await import("./generate/load-config.js");
  const out = values.out ?? "migrations";
  const config = values.config ?? (await findConfig());
  if (config === undefined) console.log(`[auth-d1] no config (${DEFAULT_CONFIGS.join(", ")}): using createAuth's defaults, no plugins.`);
  const options = config === undefined ? {} : await loadOptions(config);
  const result = await generate(options, { out, drizzle: values.drizzle, check: values.check, source: config });
  const { plan } = result;

  if (plan.unsafe.length > 0) {
    console.error(`[auth-d1] ${out} cannot be brought up to these options by adding tables and columns; nothing was written:`);
    for (const reason of plan.unsafe) console.error(`  - ${reason}`);
    return 1;
  }
  const changes = plan.changes.map((change) => `  ${change}`).join("\n");
  const rerun = `npx auth-d1 generate${config ? ` --config ${config}` : ""}${values.out ? ` --out ${out}` : ""}${values.drizzle ? ` --drizzle ${values.drizzle}` : ""}`;
  if (values.check) {
    const lags: string[] = [];
    if (result.migration) lags.push(`${out} lags the options; ${rerun} would write ${result.migration}:\n${changes}`);
    if (result.drizzleChanged) lags.push(`${values.drizzle} differs from the Drizzle tables these options need.`);
    if (lags.length === 0) {
      console.log(`[auth-d1] ${out} is current with the options.`);
      return 0;
    }
    console.error(`[auth-d1] ${lags.join("\n[auth-d1] ")}\nRun \`${rerun}\`, review and commit the result.`);
    return 1;
  }
  if (result.migration) {
    console.log(`[auth-d1] wrote ${out}/${result.migration}:\n${changes}\nApply it: npx wrangler d1 migrations apply <DATABASE> --local (then --remote).`);
  } else {
    console.log(`[auth-d1] nothing to do: ${out} already creates every table and column these options need.`);
  }
  if (result.drizzleChanged) console.log(`[auth-d1] wrote ${values.drizzle}: pass \`schema: { ...authSchema, ...generatedSchema }\` to createAuth from @acme/auth-d1/drizzle.`);
  return 0;
}

/** node:sqlite and type stripping announce themselves as experimental on every run; the user cannot act on it. */
function quietExperimentalWarnings(): void {
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === "ExperimentalWarning" && /SQLite|Type Stripping/i.test(text)) return;
    (emit as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
