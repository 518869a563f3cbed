// Every export of every public entry has a one-line summary and an `@example` in its JSDoc, so docs/api (the
// TypeDoc reference) shows each one with a sample. TypeDoc's own validation (typedoc.json) already fails on
// an undocumented export; it has no check for `@example`, hence this test. It converts the project with
// the same typedoc.json as `pnpm --filter @acme/auth-d1 docs:api` and reads the comments TypeDoc keeps.
//
// Exempt from `@example` (a summary is still required):
// - type aliases and interface members: a type is shown by the function or interface that uses it;
// - the drizzle tables and relations of `@acme/auth-d1/schema` (`*Table`, `*Relations`): they are used
//   together, through `authSchema`, whose example and the module's show how.
import { join } from "node:path";
import { Application, type Comment, type DeclarationReflection, LogLevel, ReflectionKind } from "typedoc";
import { beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "./fixtures/built-package.js";

const CHECKED = ReflectionKind.Function | ReflectionKind.Class | ReflectionKind.Variable | ReflectionKind.Interface;
const SUMMARY_ONLY = ReflectionKind.TypeAlias;
const SCHEMA_TABLE = /(Table|Relations)$/;

interface Entry {
  module: string;
  name: string;
  kind: string;
  comment: Comment | undefined;
}

let modules: DeclarationReflection[] = [];
let entries: Entry[] = [];

/** A function's comment sits on its signature; a class's, variable's or interface's on the declaration. */
function commentOf(reflection: DeclarationReflection): Comment | undefined {
  return reflection.comment ?? reflection.signatures?.find((signature) => signature.comment)?.comment;
}

function hasSummary(comment: Comment | undefined): boolean {
  return (comment?.summary.map((part) => part.text).join("").trim() ?? "") !== "";
}

function hasExample(comment: Comment | undefined): boolean {
  return comment?.blockTags.some((tag) => tag.tag === "@example" && tag.content.some((part) => part.text.trim() !== "")) ?? false;
}

beforeAll(async () => {
  // The options file's relative paths and its plugin resolve against the package folder; run from there.
  const cwd = process.cwd();
  process.chdir(PACKAGE_ROOT);
  try {
    const app = await Application.bootstrapWithPlugins({ options: join(PACKAGE_ROOT, "typedoc.json") });
    // TypeDoc converts nothing when the sources do not type-check; the failure then names what did not.
    const errors: string[] = [];
    const log = app.logger.log.bind(app.logger);
    app.logger.log = (message, level) => {
      if (level === LogLevel.Error) errors.push(message.replace(/\u001b\[[0-9;]*m/g, ""));
      log(message, level);
    };
    const project = await app.convert();
    if (!project) throw new Error(`[auth-d1] TypeDoc could not convert the package (\`pnpm --filter @acme/auth-d1 docs:api\` shows the same):\n${errors.join("\n").slice(0, 4000)}`);
    modules = project.getChildrenByKind(ReflectionKind.Module);
  } finally {
    process.chdir(cwd);
  }
  entries = modules.flatMap((module) =>
    (module.children ?? [])
      .filter((child) => child.kindOf(CHECKED | SUMMARY_ONLY))
      .map((child) => ({ module: module.name, name: child.name, kind: ReflectionKind[child.kind]!, comment: commentOf(child) })),
  );
}, 60_000);

describe("API reference (docs/api)", () => {
  it("covers every public entry of package.json", () => {
    expect(modules.map((module) => module.name).sort()).toEqual(
      ["index", "drizzle", "kysely", "schema", "presets", "presets/passkey", "client", "client/presets"].sort(),
    );
    expect(entries.length).toBeGreaterThan(30);
  });

  it("gives every entry a module summary, and the schema module the @example its tables rely on", () => {
    for (const module of modules) expect(hasSummary(module.comment), `module ${module.name} has no summary`).toBe(true);
    expect(hasExample(modules.find((module) => module.name === "schema")?.comment)).toBe(true);
  });

  it("gives every export a one-line summary", () => {
    const missing = entries.filter((entry) => !hasSummary(entry.comment)).map((entry) => `${entry.module}: ${entry.name}`);
    expect(missing).toEqual([]);
  });

  it("gives every function, class, variable and interface an @example", () => {
    const exempt = (entry: Entry): boolean => entry.kind === "TypeAlias" || (entry.module === "schema" && SCHEMA_TABLE.test(entry.name));
    const missing = entries.filter((entry) => !exempt(entry) && !hasExample(entry.comment)).map((entry) => `${entry.module}: ${entry.kind} ${entry.name}`);
    expect(missing).toEqual([]);
  });
});
