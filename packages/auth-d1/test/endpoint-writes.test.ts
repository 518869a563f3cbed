/**
 * An alarm for better-auth upgrades (issue 19): every endpoint of an instance with every preset, on both
 * adapters, is driven with valid input to its writes, and must send them to D1 in one batch at most. A write
 * sent on its own and then another write or a batch, or two batches that write, fail the endpoint's test with
 * the calls it made: its writes are no longer one unit of work (src/d1/request-units.ts).
 *
 * The endpoints come from the instance (`auth.api`: what better-auth's router serves, plus the endpoints only
 * server code calls); how to drive each is a table by path (./endpoint-writes/). An endpoint the table lacks
 * fails, so an upgrade that adds one fails CI until someone decides how to drive it; so does an entry for an
 * endpoint that is gone. A statement is a write by what it is (`writingCalls`), never by the endpoint's name.
 * Rate limiting is off (./endpoint-writes/world.ts says why).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { classify, type Statement } from "../src/d1/sql/classify.js";
import { TestClient, writingCalls, type D1Call } from "./support/index.js";
import { coreDrivers } from "./endpoint-writes/core.js";
import { organizationDrivers } from "./endpoint-writes/organization.js";
import { pluginDrivers } from "./endpoint-writes/plugins.js";
import { db, instances, world, type Answer, type Driver } from "./endpoint-writes/world.js";

/** Every driver, by endpoint: its path, or `auth.api.<name>` for one only server code calls. */
const DRIVERS: Record<string, Driver> = { ...coreDrivers, ...organizationDrivers, ...pluginDrivers };

/**
 * Endpoints that cannot reach their writes here, each with the reason and a request that shows the reason still
 * holds: it is refused, and nothing is written. When an upgrade makes one writable, its test fails and it needs a driver.
 */
const EXCLUDED: Record<string, { reason: string; refused: Driver }> = {
  "/update-session": {
    reason:
      "writes only session fields that take input, and the shipped schema has none (activeOrganizationId, activeTeamId and impersonatedBy are input: false): every body is refused with 400 before any write",
    refused: async (w) => {
      const { client } = await w.user("update-session");
      return () => client.post("/update-session", { activeOrganizationId: "org", activeTeamId: "team", impersonatedBy: "someone" });
    },
  },
};

/**
 * Endpoints that send their writes in more than one commit today, found by this test and not yet made units of
 * work; what each sends, in order. Their tests check they still do, so the fix that makes one a unit fails here
 * until its entry goes.
 */
const SPLIT_TODAY: Record<string, string> = {
  "/sign-in/social": "a new user by id token: user and account in one batch, then the session on its own",
  "/callback/:id": "expired verification rows deleted, the state deleted, user and account in one batch, then the session",
  "auth.api.addMember": "with a teamId: the member on its own, then the team seat in a batch",
  "/passkey/verify-authentication": "the challenge spent in a batch, the passkey's counter, then the session, each on its own",
  "/email-otp/check-verification-otp": "the code consumed in a batch, then written back (it is only checked) on its own",
  "/email-otp/change-email": "the code consumed in a batch, then the user's new address on its own",
};

/** An endpoint of the instance: what the table knows it by, and its HTTP method(s). */
interface Endpoint {
  id: string;
  method: string;
}

/** The instance's endpoints, in better-auth's order. */
function endpointsOf(api: object): Endpoint[] {
  return Object.entries(api).map(([key, endpoint]: [string, { path?: string; options?: { method?: string | string[] } }]) => ({
    id: endpoint.path ?? `auth.api.${key}`,
    method: [endpoint.options?.method ?? "?"].flat().join("|"),
  }));
}

/** A success: a 2xx, or a redirect that is not to an error page (a followed link lands back on the app). */
function succeeded(answer: Answer): boolean {
  if (answer.status >= 200 && answer.status < 300) return true;
  return answer.status >= 300 && answer.status < 400 && !/[?&]error=/.test(answer.headers.get("location") ?? "");
}

/** The calls of one request, one line each, for a failure message. */
function listed(calls: D1Call[]): string {
  const oneLine = (sql: string) => sql.replace(/\s+/g, " ").slice(0, 110);
  return calls.map((call, i) => `  ${i + 1}. ${call.kind === "batch" ? `batch [${call.statements.map(oneLine).join(" ; ")}]` : oneLine(call.statements[0]!)}`).join("\n");
}

// Kysely's driver checks the SQL classifier against its operation tree on every statement, and warns when they
// disagree: on every endpoint they must agree (src/kysely/operation-tree.ts). Vitest gives each test a console
// of its own, so each test's is watched.
const warnings: string[] = [];
let warn: MockInstance<typeof console.warn> | undefined;
beforeEach(() => void (warn = vi.spyOn(console, "warn")));
afterEach(() => {
  warnings.push(...warn!.mock.calls.map((call) => String(call[0])));
  warn!.mockRestore();
});

describe.each(instances)("$name: every endpoint sends its writes to D1 in one batch at most", (instance) => {
  const w = world(instance);
  const endpoints = endpointsOf(instance.auth().api);
  const ids = new Set(endpoints.map((endpoint) => endpoint.id));

  beforeAll(async () => {
    // A warm instance, as a warm isolate's: the first request reads the schema (Kysely), the first JWT mints the key.
    const { client } = await w.user("warm");
    expect((await client.get("/token")).status).toBe(200);
    await new TestClient(w.auth()).get("/jwks");
  });

  it("the table drives or excludes each endpoint once, and names none that is gone", () => {
    const both = Object.keys(DRIVERS).filter((id) => id in EXCLUDED);
    const gone = [...Object.keys(DRIVERS), ...Object.keys(EXCLUDED), ...Object.keys(SPLIT_TODAY)].filter((id) => !ids.has(id));
    expect({ "driven and excluded": both, "no longer endpoints": gone }).toEqual({ "driven and excluded": [], "no longer endpoints": [] });
  });

  it.each(endpoints.filter((endpoint) => !(endpoint.id in EXCLUDED)))("$id ($method)", async ({ id }) => {
    const drive = DRIVERS[id];
    if (!drive) expect.fail(`${id} is an endpoint of this better-auth with no driver: add one to test/endpoint-writes/, or an exclusion with its reason`);
    const send = await drive(w);
    const from = db.calls.length;
    const answer = await send();
    const calls = db.calls.slice(from);
    expect(succeeded(answer), `${id} answered ${answer.status} ${answer.headers.get("location") ?? JSON.stringify(answer.body)}`).toBe(true);
    const writes = writingCalls(calls).length;
    if (drive.readOnly) expect(writes, `${id} is driven as read-only but wrote; its calls:\n${listed(calls)}`).toBe(0);
    else expect(writes, `${id} wrote nothing: its driver no longer reaches its writes; its calls:\n${listed(calls)}`).toBeGreaterThan(0);
    if (id in SPLIT_TODAY) {
      expect(writes, `${id} now sends its writes in one batch: remove it from SPLIT_TODAY; its calls:\n${listed(calls)}`).toBeGreaterThan(1);
    } else {
      expect(writes, `${id} sent ${writes} writes to D1 outside one batch; its calls:\n${listed(calls)}`).toBeLessThanOrEqual(1);
    }
  });

  it.each(Object.entries(EXCLUDED))("%s is excluded, and still refuses before any write", async (id, { reason, refused }) => {
    const send = await refused(w);
    const from = db.calls.length;
    const answer = await send();
    const writes = writingCalls(db.calls.slice(from));
    expect({ status: answer.status, writes: writes.length }, `${id} excluded because it ${reason}; its calls:\n${listed(db.calls.slice(from))}`).toEqual({ status: 400, writes: 0 });
  });
});

it("the SQL classifier and Kysely's operation tree agreed on every statement the endpoints sent", () => {
  expect(warnings.filter((message) => message.includes("The SQL classifier and the query builder disagree"))).toEqual([]);
});

/**
 * The SQL corpus: every distinct statement the endpoints sent D1 on both adapters (the ORMs' own, and the unit
 * of work's overlays and reads), with what the classifier makes of it, kept as a snapshot. An upgrade of
 * better-auth, Drizzle or Kysely that changes what they send shows up as a diff of test/sql-corpus.txt; so does
 * a change in how a statement is classified. Lists of `?` are written once (`(?+)`): their length is data.
 */
it("the SQL the endpoints sent, as the classifier reads it, is the recorded corpus", async () => {
  const shown = (sql: string) => sql.replace(/\s+/g, " ").trim().replace(/\(\?(?:, \?)*\)/g, "(?+)").replace(/\(\?\+\)(?:, \(\?\+\))+/g, "(?+), …");
  const lines = new Set(db.calls.flatMap((call) => call.statements).map((sql) => `${described(classify(sql))}\n  ${shown(sql)}`));
  await expect(`${[...lines].sort().join("\n")}\n`).toMatchFileSnapshot("./sql-corpus.txt");
});

/** One line for a classified statement: its kind, tables and the shape the unit of work uses. */
function described(statement: Statement): string {
  switch (statement.kind) {
    case "select": {
      const plain = statement.plain;
      const shape = plain && ` plain(${[Array.isArray(plain.columns) ? "columns" : (plain.columns ?? `count ${plain.count}`), plain.equalities && `where ${plain.equalities.join(" and ")}`, plain.ordered && "ordered", plain.limited && "limited"].filter(Boolean).join(", ")})`;
      return `select ${[...statement.tables].sort().join(", ") || "-"}${shape ?? ""}`;
    }
    case "insert":
      return `insert ${statement.table}${statement.returning ? " returning" : ""}`;
    case "update":
    case "delete":
      return `${statement.kind} ${statement.table}${statement.equalities ? ` where ${statement.equalities.join(" and ")}` : statement.where ? " where (other)" : ""}${statement.returning ? " returning" : ""}`;
    case "opaque":
      return `opaque: ${statement.reason}`;
  }
}
