// docs/getting-started.md, walked from an empty folder as a reader would: its commands and files are read
// out of the page and run in order against the packed package, up to `wrangler dev` on a free 127.0.0.1
// port and the page's own curl commands. Only three things differ from the page: the `npm install` lines
// are checked and then installed from a pinned lockfile (test/fixtures/getting-started, with the tarball
// instead of the registry's @acme/auth-d1), http://localhost:8787 becomes the chosen port, and the steps
// that need a Cloudflare account (create the database, deploy) are left out. A step the page gains
// or loses fails the shape check first, so this test and the page cannot drift apart silently.
// Each step needs the one before, so after a failure the rest are skipped and the folder is kept.
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, PACKAGE_ROOT } from "./fixtures/built-package.js";
import { expectSuccess, freePort, MINUTE, packPackage, run, skipAfterFirstFailure, startServer, type RunningServer } from "./fixtures/commands.js";

const GUIDE = join(PACKAGE_ROOT, "..", "..", "docs", "getting-started.md");
/** What step 1 installs, pinned; its package.json names the tarball `../acme-auth-d1.tgz`, packed beside the project. */
const PINNED = join(PACKAGE_ROOT, "test", "fixtures", "getting-started");
const GUIDE_URL = "http://localhost:8787";
const EMAIL = "ada@example.com";

interface Block {
  lang: string;
  code: string;
}

interface Step {
  title: string;
  blocks: Block[];
}

/** The numbered `## N. Title` sections of the guide, each with its fenced code blocks in order. */
function parseGuide(text: string): Map<number, Step> {
  const steps = new Map<number, Step>();
  let current: Step | undefined;
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const heading = /^## (\d+)\. (.*)$/.exec(line);
    if (heading) {
      current = { title: heading[2]!, blocks: [] };
      steps.set(Number(heading[1]), current);
    } else if (line.startsWith("## ")) {
      current = undefined;
    } else if (/^```\w+$/.test(line) && current) {
      const body: string[] = [];
      for (index++; lines[index] !== "```"; index++) body.push(lines[index]!);
      current.blocks.push({ lang: line.slice(3), code: body.join("\n") });
    }
  }
  return steps;
}

/** A shell block as separate commands: continuation lines joined, comments and blank lines dropped. */
function commands(block: Block): string[] {
  return block.code
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

function only(step: Step, lang: string): Block {
  const blocks = step.blocks.filter((block) => block.lang === lang);
  expect(blocks, `step "${step.title}": ${lang} blocks`).toHaveLength(1);
  return blocks[0]!;
}

let guide: Map<number, Step>;
let root = "";
let project = "";
let baseURL = "";
let server: RunningServer | undefined;
const steps = skipAfterFirstFailure();
/** CI=true: wrangler answers its own prompts (apply migrations?) as a script would. */
const options = (cwd: string) => ({ cwd, env: { CI: "true", WRANGLER_LOG_PATH: join(root, "wrangler-logs") } });

/** Runs a shell block of the guide as one bash script, so `cd` carries from line to line. */
async function runBlock(block: Block, cwd: string, timeout: number, edit: (script: string) => string = (script) => script): Promise<string> {
  const result = await run("bash", ["-c", `set -euo pipefail\n${edit(block.code)}`], options(cwd), timeout);
  expectSuccess(result);
  return result.stdout;
}

beforeAll(async () => {
  guide = parseGuide(await readFile(GUIDE, "utf8"));
  await ensureBuilt();
  root = await mkdtemp(join(tmpdir(), "auth-d1-getting-started-"));
  project = join(root, "my-auth");
  baseURL = `http://127.0.0.1:${await freePort()}`;
}, 2 * MINUTE);

afterAll(async () => {
  await server?.stop();
  if (root === "") return;
  if (steps.failed) console.log(`[getting-started] a step failed; the project is kept in ${root}`);
  else await rm(root, { recursive: true, force: true });
});

describe("docs/getting-started.md from an empty folder", () => {
  it("has the steps this walk knows", () => {
    const shape = [...guide].map(([number, step]) => `${number}. ${step.blocks.map((block) => block.lang).join(" ")}`);
    expect(shape).toEqual(["1. sh", "2. jsonc", "3. sh", "4. sh", "5. sh", "6. ts", "7. json sh", "8. sh", "9. sh sh", "10. sh sh", "11. sh"]);
    // Left out: they need a Cloudflare account.
    expect(commands(only(guide.get(3)!, "sh"))).toEqual(["npx wrangler d1 create my-auth-db"]);
    for (const number of [10, 11]) expect(guide.get(number)!.blocks.flatMap(commands).join("\n")).toMatch(/--remote|deploy/);
  });

  it("1. creates the project and installs the packed package with npm", async () => {
    await packPackage(root, "acme-auth-d1.tgz");
    const started = Date.now();
    // The page's `npm install` lines would take the registry's newest versions: they name exactly what the
    // pinned fixture installs, which npm ci then installs from its lockfile (test/fixtures/pinned-installs.ts).
    const installed: Record<"dependencies" | "devDependencies", string[]> = { dependencies: [], devDependencies: [] };
    await runBlock(only(guide.get(1)!, "sh"), root, 2 * MINUTE, (script) =>
      script.replace(/^npm install (-D )?(.+)$/gm, (_line, dev: string | undefined, names: string) => {
        installed[dev ? "devDependencies" : "dependencies"].push(...names.trim().split(/\s+/));
        return ":";
      }),
    );
    const pinned = JSON.parse(await readFile(join(PINNED, "package.json"), "utf8")) as Record<"dependencies" | "devDependencies", Record<string, string>>;
    for (const field of ["dependencies", "devDependencies"] as const) expect(installed[field].sort(), `the page's npm install${field === "devDependencies" ? " -D" : ""}`).toEqual(Object.keys(pinned[field]).sort());
    const manifest = JSON.parse(await readFile(join(project, "package.json"), "utf8")) as { type?: string };
    expect(manifest.type).toBe("module");
    await writeFile(join(project, "package.json"), JSON.stringify({ ...manifest, dependencies: pinned.dependencies, devDependencies: pinned.devDependencies }, null, 2));
    await copyFile(join(PINNED, "package-lock.json"), join(project, "package-lock.json"));
    expectSuccess(await run("npm", ["ci", "--no-audit", "--no-fund"], options(project), 8 * MINUTE));
    console.log(`[getting-started] step 1 (npm init, npm ci): ${((Date.now() - started) / 1000).toFixed(0)} s`);
    expect(existsSync(join(project, "node_modules", "@acme", "auth-d1", "dist", "drizzle.js"))).toBe(true);
  }, 11 * MINUTE);

  it("2. writes wrangler.jsonc", async () => {
    expect(guide.get(2)!.title).toContain("wrangler.jsonc");
    await writeFile(join(project, "wrangler.jsonc"), only(guide.get(2)!, "jsonc").code);
  });

  it("4. copies the migrations and applies them locally", async () => {
    const output = await runBlock(only(guide.get(4)!, "sh"), project, 3 * MINUTE);
    expect(output).toContain("0001_auth-d1_0000_init.sql");
    expect(output).toContain("0002_auth-d1_0001_presets.sql");
  }, 4 * MINUTE);

  it("5. writes .dev.vars with a secret and the local URL", async () => {
    await runBlock(only(guide.get(5)!, "sh"), project, MINUTE, (script) => script.replaceAll(GUIDE_URL, baseURL));
    const vars = await readFile(join(project, ".dev.vars"), "utf8");
    expect(vars).toMatch(/^BETTER_AUTH_SECRET=\S{32,}$/m);
    expect(vars).toContain(`BETTER_AUTH_URL=${baseURL}`);
  });

  it("6. writes the Worker", async () => {
    const step = guide.get(6)!;
    const file = join(project, "src", "index.ts");
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, only(step, "ts").code);
  });

  it("7. generates the types and type-checks the Worker with no error", async () => {
    await writeFile(join(project, "tsconfig.json"), only(guide.get(7)!, "json").code);
    await runBlock(only(guide.get(7)!, "sh"), project, 3 * MINUTE);
    expect(existsSync(join(project, "worker-configuration.d.ts"))).toBe(true);
  }, 4 * MINUTE);

  it("8. serves the Worker with wrangler dev, with types it finds current", async () => {
    expect(commands(only(guide.get(8)!, "sh"))).toEqual(["npx wrangler dev"]);
    const port = new URL(baseURL).port;
    server = await startServer("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", port, "--show-interactive-dev-session=false"], options(project), `${baseURL}/api/auth/ok`);
    expect(server.log.join("\n")).toMatch(/env\.DB/);
    expect(server.log.join("\n")).not.toMatch(/types (might be|looked) out of date/);
  }, 3 * MINUTE);

  it("9. signs up, signs in, reads the session and signs out with the page's curl commands", async () => {
    const [requests, select] = guide.get(9)!.blocks;
    let signedOut = false;
    for (const command of commands(requests!)) {
      const result = await run("bash", ["-c", command.replaceAll(GUIDE_URL, baseURL)], options(project), MINUTE);
      expectSuccess(result);
      const body = JSON.parse(result.stdout) as Record<string, any>;
      const withCookie = / -b cookies\.txt /.test(command);
      if (command.includes("/api/auth/sign-up/email")) expect(body.user.email, command).toBe(EMAIL);
      else if (command.includes("/api/auth/sign-in/email")) expect(body.token, command).toEqual(expect.any(String));
      else if (command.includes("/api/auth/get-session")) expect(body.user.email, command).toBe(EMAIL);
      else if (command.includes("/api/auth/sign-out")) {
        expect(body, command).toEqual({ success: true });
        signedOut = true;
      } else if (command.endsWith("/api/me") && withCookie && !signedOut) expect(body.user.email, command).toBe(EMAIL);
      else if (command.endsWith("/api/me")) expect(body, command).toEqual({ code: "UNAUTHORIZED" });
      else throw new Error(`step 9 has a command this walk does not know; add what it should answer: ${command}`);
    }
    expect(signedOut, "step 9 signs out").toBe(true);
    expect(server!.log.some((line) => line.includes("[mail] ") && line.includes(`(to ${EMAIL})`)), "a [mail] line in the wrangler dev log").toBe(true);

    const rows = await runBlock(select!, project, 2 * MINUTE);
    expect(rows).toContain(EMAIL);
  }, 4 * MINUTE);
});
