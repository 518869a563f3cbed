#!/usr/bin/env node
/**
 * `auth-d1 migrations <dir>`: copies the SQL migrations this package ships into a Worker's migrations folder.
 *
 * @module
 */
import { copyMigrations } from "./copy-migrations.js";

const USAGE = `usage: auth-d1 migrations [dir]

Copies @acme/auth-d1's SQL migrations into dir (default: ./migrations), numbered after the
migrations already there. Files copied before are recognised and skipped, so run it again after
every upgrade, then: wrangler d1 migrations apply <DATABASE> --local (or --remote).`;

async function main(argv: string[]): Promise<number> {
  const [command, dir = "migrations", ...rest] = argv;
  if (command !== "migrations" || rest.length > 0) {
    console.error(USAGE);
    return command === "--help" || command === "-h" ? 0 : 2;
  }
  const copied = await copyMigrations(dir);
  if (copied.length === 0) console.log(`[auth-d1] ${dir} already has every auth-d1 migration.`);
  for (const file of copied) console.log(`[auth-d1] added ${file}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
