// `pnpm check:api-docs`: regenerates docs/api from the JSDoc (TypeDoc, packages/auth-d1/typedoc.json) and
// fails when the committed pages differ from it: an edited, added or removed file in docs/api means the
// reference no longer matches the code. TypeDoc's validation (every export documented) runs as part of it.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function run(command, args) {
  return spawnSync(command, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
}

const generate = spawnSync("pnpm", ["--filter", "@acme/auth-d1", "docs:api"], { cwd: root, stdio: "inherit" });
if (generate.status !== 0) {
  console.error("[auth-d1] TypeDoc failed: fix the warnings above (an export without a summary fails here), then run `pnpm --filter @acme/auth-d1 docs:api`.");
  process.exit(generate.status ?? 1);
}

// --porcelain lists modified, deleted and untracked files alike; -uall names each untracked file.
const status = run("git", ["status", "--porcelain", "-uall", "--", "docs/api"]);
if (status.status !== 0) process.exit(status.status ?? 1);
if (status.stdout.trim() !== "") {
  run("git", ["--no-pager", "diff", "--stat", "--", "docs/api"]);
  console.error(status.stdout.trimEnd());
  console.error("[auth-d1] docs/api is out of date with the JSDoc in packages/auth-d1/src: commit the regenerated files (`pnpm --filter @acme/auth-d1 docs:api`).");
  process.exit(1);
}
console.log("[check:api-docs] docs/api matches the JSDoc.");
