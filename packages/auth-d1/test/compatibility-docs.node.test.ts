// docs/compatibility.md states the supported ranges, the tested better-auth versions and the start-up warning:
// each is read from the page and compared with what package.json declares and what createAuth prints.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { TESTED_BETTER_AUTH, untestedVersionWarning } from "../src/better-auth-version.js";
import { PACKAGE_ROOT } from "./fixtures/built-package.js";

const PAGE = join(PACKAGE_ROOT, "..", "..", "docs", "compatibility.md");

interface Row {
  range: string;
  lowest: string;
  newest: string;
}

let rows: Map<string, Row>;
let page: string;
let manifest: { peerDependencies: Record<string, string>; peerDependenciesMeta: Record<string, { optional?: boolean }> };

beforeAll(async () => {
  page = await readFile(PAGE, "utf8");
  manifest = JSON.parse(await readFile(join(PACKAGE_ROOT, "package.json"), "utf8")) as typeof manifest;
  rows = new Map();
  // | `a`, `b` | `range`, optional | lowest | newest | needed for |
  for (const line of page.split("\n")) {
    const cells = /^\| (`.+?`(?:, `.+?`)*) \| `(.+?)`(, optional)? \| (.+?) \| (.+?) \|/.exec(line);
    if (!cells) continue;
    for (const name of cells[1]!.match(/`[^`]+`/g)!) rows.set(name.slice(1, -1), { range: cells[2]!.replaceAll("\\|", "|"), lowest: cells[4]!, newest: cells[5]! });
  }
});

describe("docs/compatibility.md", () => {
  it("has a row for every peer dependency, with the range package.json declares", () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(manifest.peerDependencies).sort());
    for (const [name, row] of rows) expect(row.range, name).toBe(manifest.peerDependencies[name]);
  });

  it("says which peers are optional as package.json does", () => {
    for (const line of page.split("\n").filter((text) => text.startsWith("| `") && !text.startsWith("| package"))) {
      const names = line.split(" | ")[0]!.match(/`[^`]+`/g)!.map((name) => name.slice(1, -1));
      for (const name of names) expect(line.includes(", optional |"), name).toBe(manifest.peerDependenciesMeta[name]?.optional === true);
    }
  });

  it("gives the tested better-auth versions the start-up check uses", () => {
    expect(rows.get("better-auth")).toMatchObject({ lowest: TESTED_BETTER_AUTH.lowest, newest: TESTED_BETTER_AUTH.newest });
    expect(manifest.peerDependencies["better-auth"]).toBe(`>=${TESTED_BETTER_AUTH.lowest} <1.8.0`);
  });

  it("quotes the warning createAuth prints for an untested better-auth, word for word", () => {
    const quoted = /```text\n(\[auth-d1\] better-auth (\S+) is installed.*)\n```/.exec(page);
    expect(quoted, "a ```text block with the warning").not.toBeNull();
    expect(quoted![1]).toBe(untestedVersionWarning(quoted![2]!));
  });
});
