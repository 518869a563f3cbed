// The endpoint policy is the one place that names endpoint paths (src/integration/endpoint-policy.ts): a path
// written anywhere else in src/ would be a second list that a better-auth upgrade leaves behind.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "./fixtures/built-package.js";

const POLICY = "integration/endpoint-policy.ts";
/** An endpoint path as better-auth writes one: `/sign-in/email`, `/callback/:id`. */
const ENDPOINT_PATH = /^\/[a-z][a-z0-9-]*(\/[a-z0-9:-]+)*$/;

/** Every string literal of a TypeScript source (parsed: comments and regular expressions are not strings). */
function stringLiterals(text: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile("source.ts", text, ts.ScriptTarget.Latest, true));
  return found;
}

describe("endpoint paths in src/", () => {
  it("are written only in the endpoint policy", async () => {
    const files = (await readdir(join(PACKAGE_ROOT, "src"), { recursive: true })).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && file !== POLICY);
    const written: string[] = [];
    for (const file of files) {
      for (const literal of stringLiterals(await readFile(join(PACKAGE_ROOT, "src", file), "utf8"))) if (ENDPOINT_PATH.test(literal)) written.push(`${file}: ${literal}`);
    }
    expect(written).toEqual([]);
  });

  it("are found by the check: the policy itself names them", async () => {
    const literals = stringLiterals(await readFile(join(PACKAGE_ROOT, "src", POLICY), "utf8")).filter((literal) => ENDPOINT_PATH.test(literal));
    expect(literals).toEqual(expect.arrayContaining(["/sign-up/email", "/organization/create", "/email-otp/reset-password"]));
  });
});
