import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { countingD1 } from "../../test/support/counting-d1.js";
import { openUnitOfWork } from "./unit-of-work.js";

const countUsers = async (email: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM user WHERE email = ?").bind(email).first<{ n: number }>("n"))!;

function insertUser(binding: { prepare(sql: string): unknown }, id: string, email: string) {
  const statement = binding.prepare('insert into "user" ("id", "name", "email", "email_verified", "created_at", "updated_at") values (?, ?, ?, ?, ?, ?) returning "id", "email", "email_verified"') as D1PreparedStatement;
  const now = new Date().toISOString();
  return statement.bind(id, "Unit", email, false, now, now).raw();
}

describe("openUnitOfWork on D1", () => {
  it("holds an insert, answers it from its bound values, shows it to reads inside the unit only, and commits it in one batch", async () => {
    const id = crypto.randomUUID();
    const email = `${id}@example.com`;
    const unit = openUnitOfWork(env.DB);
    expect(await insertUser(unit.binding, id, email)).toEqual([[id, email, 0]]);
    expect(await countUsers(email)).toBe(0);
    const inside = await (unit.binding.prepare('select "id", "email" from "user" where "email" = ?') as D1PreparedStatement).bind(email).all();
    expect(inside.results).toEqual([{ id, email }]);
    expect(await countUsers(email)).toBe(0);
    await unit.commit();
    expect(await countUsers(email)).toBe(1);
  });

  it("writes nothing when discarded", async () => {
    const id = crypto.randomUUID();
    const email = `${id}@example.com`;
    const unit = openUnitOfWork(env.DB);
    await insertUser(unit.binding, id, email);
    unit.discard();
    expect(await countUsers(email)).toBe(0);
    await expect(insertUser(unit.binding, crypto.randomUUID(), email)).rejects.toThrow("[auth-d1]");
  });

  it("sends an UPDATE at once, together with what it holds", async () => {
    const id = crypto.randomUUID();
    const email = `${id}@example.com`;
    const unit = openUnitOfWork(env.DB);
    await insertUser(unit.binding, id, email);
    await (unit.binding.prepare('update "user" set "name" = ? where "id" = ?') as D1PreparedStatement).bind("Renamed", id).run();
    expect(await env.DB.prepare("SELECT name FROM user WHERE id = ?").bind(id).first("name")).toBe("Renamed");
    unit.discard();
    expect(await countUsers(email)).toBe(1); // the flush committed: atomicity ends at an UPDATE
  });

  it("writes nothing of the batch when a held insert breaks a constraint at commit", async () => {
    const id = crypto.randomUUID();
    const email = `${id}@example.com`;
    const unit = openUnitOfWork(env.DB);
    await insertUser(unit.binding, id, email);
    await insertUser(unit.binding, crypto.randomUUID(), email);
    await expect(unit.commit()).rejects.toThrow(/UNIQUE/);
    expect(await countUsers(email)).toBe(0);
  });

  it("sends an UPDATE ... RETURNING read through raw() in one batch with what it holds, and answers it as rows of values", async () => {
    const id = crypto.randomUUID();
    const email = `${id}@example.com`;
    const counted = countingD1(env.DB);
    const unit = openUnitOfWork(counted.binding);
    await insertUser(unit.binding, id, email);
    const renamed = await (unit.binding.prepare('update "user" set "name" = ? where "id" = ? returning "id", "name"') as D1PreparedStatement).bind("Renamed", id).raw();
    expect(renamed).toEqual([[id, "Renamed"]]);
    // The held insert and the update went out together: one round trip, one commit.
    expect(counted.roundTrips).toEqual(["batch of 2"]);
    await unit.commit();
    expect(await env.DB.prepare("SELECT name FROM user WHERE id = ?").bind(id).first("name")).toBe("Renamed");
  });
});
