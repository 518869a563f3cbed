/**
 * Property-based: random requests to every endpoint in the OpenAPI schema of a Worker with every preset.
 * Bodies of random JSON and of the schema's own fields with wrong types and odd or long strings, random
 * cookies, bearer tokens, origins and path parameters. Never a 5xx; a refusal is a JSON error with a code and adds,
 * removes or changes no row. Bounded (fixed seed, a few hundred cases); prints how many ran.
 */
import { env } from "cloudflare:test";
import { openAPI } from "better-auth/plugins/open-api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAuth } from "../src/kysely.js";
import * as presets from "../src/presets/index.js";
import { passkey } from "../src/presets/passkey.js";
import { ORIGIN, PASSWORD, TestClient, uniqueEmail } from "./support/index.js";

const RUNS = 300;

const auth = createAuth(env, {
  sendEmail: () => {},
  rateLimit: { enabled: false },
  plugins: [presets.organization({ teams: { enabled: true } }), presets.twoFactor(), presets.admin(), presets.jwt(), passkey(), openAPI()],
});

interface Operation {
  method: string;
  path: string;
  fields: string[];
}

async function operations(): Promise<Operation[]> {
  const schema = (await auth.api.generateOpenAPISchema()) as unknown as { paths: Record<string, Record<string, { requestBody?: unknown; parameters?: Array<{ name: string }> }>> };
  return Object.entries(schema.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const body = JSON.stringify(operation.requestBody ?? {});
      const properties = /"properties":\{(.*)/.exec(body)?.[1] ?? "";
      const fields = [...properties.matchAll(/"([A-Za-z]+)":\{"type"/g)].map((match) => match[1]!);
      return { method: method.toUpperCase(), path, fields: [...new Set([...fields, ...(operation.parameters ?? []).map((p) => p.name)])] };
    }),
  );
}

/** Strings people do not type: controls, bidi, lone surrogates, markup, huge, SQL, paths. */
const oddString = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("\u0000", "\u202E", "\ud800", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "javascript:alert(1)", "", " ", "null", "__proto__"),
  fc.integer({ min: 1000, max: 20_000 }).map((length) => "x".repeat(length)),
);
const oddValue = fc.oneof(oddString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(oddString, { maxLength: 3 }), fc.dictionary(oddString, oddString, { maxKeys: 3 }));

/** Percent-encoded; a lone surrogate, which encodeURIComponent refuses, becomes the invalid UTF-8 it would be. */
function encoded(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return "%ED%A0%80";
  }
}

function requestFor(operation: Operation) {
  const fieldBody = fc.record(Object.fromEntries(operation.fields.map((field) => [field, oddValue])), { requiredKeys: [] });
  return fc.record({
    body: fc.oneof(fieldBody.map((value) => JSON.stringify(value)), fc.jsonValue().map((value) => JSON.stringify(value)), oddString),
    cookie: fc.oneof(fc.constant(undefined), oddString.map((value) => `better-auth.session_token=${encoded(value)}`), fc.constant("better-auth.two_factor=x.y; better-auth.session_token=a.b")),
    origin: fc.constantFrom(ORIGIN, "https://evil.example", "null", undefined),
    // Forged or malformed credentials: a random bearer token, a JWT-shaped one signed by nobody, another scheme.
    authorization: fc.oneof(
      fc.constant(undefined),
      oddString.map((value) => `Bearer ${encoded(value)}`),
      fc.constant("Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl"),
      fc.constant("Basic YWRtaW46YWRtaW4="),
    ),
    param: oddString,
    query: fc.dictionary(fc.constantFrom(...operation.fields, "token", "callbackURL"), oddString, { maxKeys: 3 }),
  });
}

const TABLES = ["user", "session", "account", "verification", "organization", "member", "invitation", "team", "two_factor", "passkey", "jwks"];

/**
 * Every row of every auth table (rate-limit counters aside: a refused request still counts), as one string:
 * equal before and after a request only if it added, removed and changed nothing.
 */
async function contents(): Promise<string> {
  contentsQuery ??= (async () => {
    const perTable: string[] = [];
    for (const table of TABLES) {
      const columns = (await env.DB.prepare(`SELECT name FROM pragma_table_info('${table}')`).all<{ name: string }>()).results;
      const row = columns.map((c) => `quote("${c.name}")`).join(" || ',' || ");
      perTable.push(`(SELECT group_concat(row, ' | ') FROM (SELECT ${row} AS row FROM "${table}" ORDER BY rowid)) AS "${table}"`);
    }
    return `SELECT ${perTable.join(", ")}`;
  })();
  return JSON.stringify(await env.DB.prepare(await contentsQuery).first());
}
let contentsQuery: Promise<string> | undefined;

describe("random requests to every OpenAPI endpoint of a Worker with every preset", () => {
  it("never answer 5xx; a refusal is a JSON error with a code and adds, removes or changes no row", { timeout: 300_000 }, async () => {
    const list = await operations();
    // Rows a stray write could change: a user with an account, a session and an organization.
    const owner = new TestClient(auth);
    expect((await owner.post("/sign-up/email", { email: uniqueEmail("hostile-owner"), password: PASSWORD, name: "Owner" })).status).toBe(200);
    expect((await owner.post("/organization/create", { name: "Hostile", slug: `hostile-${crypto.randomUUID().slice(0, 8)}` })).status).toBe(200);
    expect(list.length).toBeGreaterThan(50);
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...list).chain((operation) => fc.tuple(fc.constant(operation), requestFor(operation))),
        async ([operation, input]) => {
          cases += 1;
          const path = operation.path.replace(/\{[^}]+\}/g, () => encoded(input.param));
          const url = new URL(`${ORIGIN}/api/auth${path}`);
          for (const [key, value] of Object.entries(input.query)) url.searchParams.set(key, value);
          const headers = new Headers({ "content-type": "application/json", "cf-connecting-ip": "10.9.9.9" });
          if (input.origin) headers.set("origin", input.origin);
          if (input.cookie) headers.set("cookie", input.cookie);
          if (input.authorization) headers.set("authorization", input.authorization);
          const hasBody = operation.method !== "GET" && operation.method !== "HEAD";
          const before = await contents();
          const res = await auth.handler(new Request(url, { method: operation.method, headers, body: hasBody ? input.body : undefined, redirect: "manual" }));
          const label = `${operation.method} ${path} ${res.status}`;
          expect(res.status, label).toBeLessThan(500);
          if (res.status >= 400) {
            const text = await res.text();
            const body = JSON.parse(text) as { code?: unknown };
            expect(typeof body.code, `${label} ${text.slice(0, 200)}`).toBe("string");
            expect(await contents(), label).toBe(before);
          } else await res.body?.cancel();
        },
      ),
      { numRuns: RUNS, seed: 20261201, endOnFailure: true },
    );
    console.log(`hostile input: ${cases} random requests over ${list.length} endpoints`);
  });
});
