// The endpoint policy is the one place that names endpoint paths (src/integration/endpoint-policy.ts): a path
// written anywhere else in src/ would be a second list that a better-auth upgrade leaves behind.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ENDPOINT_POLICY_ENTRIES, type EndpointPolicyEntry } from "../src/integration/endpoint-policy.js";
import { ACCOUNT_RULES, IP_RULES, type RateLimitRule } from "../src/rate-limit/rules.js";
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

describe("docs/endpoints.md", () => {
  it("is the endpoint policy, as the table holds it (`vitest -u` rewrites it)", async () => {
    await expect(endpointsPage()).toMatchFileSnapshot("../../../docs/endpoints.md");
  });
});

/** Named rules as the page lists them: `sign-in`: 3 per 10 s; ... */
function rules(named: Record<string, RateLimitRule>): string {
  return Object.entries(named).map(([name, { max, window }]) => `\`${name}\`: ${max} per ${window} s`).join("; ");
}

/** The page: every endpoint the policy names, by plugin, and what happens to the others. */
function endpointsPage(): string {
  const cell = (entry: EndpointPolicyEntry): string[] => [
    `\`${entry.path}\``,
    `\`${entry.key}\``,
    entry.unit === "unit" ? "yes" : entry.unit === "unit-keeping-refusals" ? "yes, keeping refusals" : "",
    entry.mail === "throws-when-unsent" ? "502 when unsent" : "",
    entry.replica === "read-only" ? "may read a replica" : "",
    [entry.limits?.ip && `IP: ${entry.limits.ip}`, entry.limits?.account && `account: ${entry.limits.account}`].filter(Boolean).join(", "),
  ];
  const plugins = [...new Set(ENDPOINT_POLICY_ENTRIES.map((entry) => entry.plugin))];
  const sections = plugins.map((plugin) =>
    [
      `## ${plugin === "core" ? "better-auth" : plugin}`,
      "",
      "| endpoint | `auth.api` | one unit of work | mail | `readReplication` | rate limits |",
      "| --- | --- | --- | --- | --- | --- |",
      ...ENDPOINT_POLICY_ENTRIES.filter((entry) => entry.plugin === plugin).map((entry) => `| ${cell(entry).join(" | ")} |`),
    ].join("\n"),
  );
  return `# Endpoints: what @acme/auth-d1 does to each

Generated from \`packages/auth-d1/src/integration/endpoint-policy.ts\` by \`test/endpoint-policy.node.test.ts\`
(\`vitest -u\` rewrites it); do not edit by hand. \`createAuth\` checks this table against the installed better-auth
and throws \`BETTER_AUTH_INCOMPATIBLE\` when one of these endpoints has moved ([errors](errors.md)).

- **One unit of work**: the endpoint's writes land in one D1 \`batch()\` when it answers, or none of them when it
  fails. "Keeping refusals": a refusal it answers (a wrong code counted, a challenge spent) commits what it wrote
  first. Flows better-auth already runs in a transaction (sign-up, password reset, change password, ...) are
  units without an entry here; what each flow writes, and the tests that prove it: [security](security.md#per-flow-better-auth-1725).
- **Mail**: when the mail fails, the endpoint answers 502 \`EMAIL_SEND_FAILED\` and its writes are undone
  ([mail](email.md)).
- **\`readReplication\`**: a GET that only reads, and may start on a replica ([consistency](consistency.md)).
- **Rate limits**: the per-IP rule (${rules(IP_RULES)}) and the per-account rule
  (${rules(ACCOUNT_RULES)}) that count it ([rate limits](security.md#rate-limits)).

An endpoint not listed (another plugin's) gets the rules of its path's family: \`/sign-in/...\` counts as a sign-in
for its IP and its account, \`/sign-up...\`, \`/change-password\` and \`/change-email\` as sign-ins for its IP,
\`/forget-password...\` as a mail; anything else gets none of these.

${sections.join("\n\n")}
`;
}
