// docs/errors.md lists every AuthD1Error code the built package exports, one row per place that throws it:
// a new code, or a new file that throws an existing one, fails here until the page says where it comes from.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, PACKAGE_ROOT } from "./fixtures/built-package.js";

const ERRORS_PAGE = join(PACKAGE_ROOT, "..", "..", "docs", "errors.md");

let exported: string[] = [];
/** Rows of the configuration-errors table: code, then where it is thrown. */
let rows: Array<{ code: string; thrownBy: string }> = [];

beforeAll(async () => {
  await ensureBuilt();
  const built = (await import(join(PACKAGE_ROOT, "dist", "index.js"))) as { AUTH_D1_ERROR_CODES: Record<string, string> };
  exported = Object.keys(built.AUTH_D1_ERROR_CODES);
  const page = await readFile(ERRORS_PAGE, "utf8");
  const section = page.slice(page.indexOf("## Configuration errors"), page.indexOf("## Request errors"));
  rows = [...section.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \|/gm)].map((match) => ({ code: match[1]!, thrownBy: match[2]!.trim() }));
}, 120_000);

describe("docs/errors.md", () => {
  it("documents exactly the codes in AUTH_D1_ERROR_CODES", () => {
    expect([...new Set(rows.map((row) => row.code))].sort()).toEqual([...exported].sort());
  });

  it("has one row per source file that throws a code", async () => {
    const sources = (await readdir(join(PACKAGE_ROOT, "src"), { recursive: true })).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"));
    const throwers = new Map<string, Set<string>>();
    for (const file of sources) {
      // Code only: a JSDoc example that shows a code is not a place that throws it.
      const text = (await readFile(join(PACKAGE_ROOT, "src", file), "utf8")).replace(/\/\*[\s\S]*?\*\//g, "");
      for (const match of text.matchAll(/new AuthD1Error\(\s*"([A-Z_]+)"/g)) throwers.set(match[1]!, (throwers.get(match[1]!) ?? new Set()).add(file));
    }
    const counts = (entries: Iterable<[string, number]>) => Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)));
    const documented = new Map<string, number>();
    for (const row of rows) documented.set(row.code, (documented.get(row.code) ?? 0) + 1);
    expect(counts(documented)).toEqual(counts([...throwers].map(([code, files]) => [code, files.size])));
  });
});
