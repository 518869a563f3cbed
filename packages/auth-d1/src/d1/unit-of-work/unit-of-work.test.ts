import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { countingD1 } from "../../../test/support/counting-d1.js";
import { openUnitOfWork } from "./unit-of-work.js";
import { isWriteConflict } from "./write-guard.js";

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

  it("answers a read keyed by an id it inserted from what it holds, without a round trip: rows, Kysely's shape, a count, a deleted row gone", async () => {
    const db = countingD1(env.DB);
    const unit = openUnitOfWork(db.binding);
    const userId = crypto.randomUUID();
    await insertUser(unit.binding, userId, `${userId}@example.com`);
    const now = new Date().toISOString();
    const sessions = [crypto.randomUUID(), crypto.randomUUID()];
    for (const id of sessions) {
      await (unit.binding.prepare('insert into "session" ("id", "expires_at", "token", "created_at", "updated_at", "user_id") values (?, ?, ?, ?, ?, ?)') as D1PreparedStatement)
        .bind(id, now, `token-${id}`, now, now, userId)
        .run();
    }
    const before = db.roundTrips.length;
    const byUser = await (unit.binding.prepare('select "id", "token" from "session" where ("session"."user_id" = ?) limit ?') as D1PreparedStatement).bind(userId, 1).raw();
    expect(byUser).toEqual([[sessions[0], `token-${sessions[0]}`]]);
    const kysely = await (unit.binding.prepare('select "primary".* from (select * from "user" where "user"."id" = ?) as "primary"') as D1PreparedStatement).bind(userId).all();
    // Without the table's columns (no catalog here) the unit cannot build `*`: D1 answers, through the overlay.
    expect(kysely.results).toEqual([expect.objectContaining({ id: userId, email: `${userId}@example.com` })]);
    const counted = await (unit.binding.prepare('select count(*) from "session" where "session"."user_id" = ?') as D1PreparedStatement).bind(userId).raw();
    expect(counted).toEqual([[2]]);
    await (unit.binding.prepare('delete from "session" where "id" = ?') as D1PreparedStatement).bind(sessions[1]).run();
    const left = await (unit.binding.prepare('select count("id") as "count" from "session" where "session"."user_id" = ?') as D1PreparedStatement).bind(userId).all();
    expect(left.results).toEqual([{ count: 1 }]);
    // A stored id is not the unit's own: that read goes to D1.
    const stored = await (unit.binding.prepare('select count(*) from "session" where "session"."user_id" = ?') as D1PreparedStatement).bind("someone-else").raw();
    expect(stored).toEqual([[0]]);
    expect(db.roundTrips.length - before).toBe(2); // the `*` read with no catalog, and the stored id
    unit.discard();
  });

  it("shows held rows to a comma join, which the classifier leaves opaque: it flushes, then reads every table it names", async () => {
    const id = crypto.randomUUID();
    const unit = openUnitOfWork(env.DB);
    await insertUser(unit.binding, id, `${id}@example.com`);
    const now = new Date().toISOString();
    await (unit.binding.prepare('insert into "session" ("id", "expires_at", "token", "created_at", "updated_at", "user_id") values (?, ?, ?, ?, ?, ?)') as D1PreparedStatement)
      .bind(`s-${id}`, now, `token-${id}`, now, now, id)
      .run();
    const joined = await (unit.binding.prepare('select "user"."email", "session"."token" from "user", "session" where "session"."user_id" = "user"."id" and "user"."id" = ?') as D1PreparedStatement)
      .bind(id)
      .all();
    expect(joined.results).toEqual([{ email: `${id}@example.com`, token: `token-${id}` }]);
    await unit.commit();
  });

  it("sends an UPDATE ... FROM as it is, and still commits: it was once turned into a SELECT that failed", async () => {
    const id = crypto.randomUUID();
    const unit = openUnitOfWork(env.DB);
    await insertUser(unit.binding, id, `${id}@example.com`);
    await (unit.binding.prepare('update "user" set "name" = "source"."name" from (select ? as "name") as "source" where "user"."id" = ?') as D1PreparedStatement).bind("Renamed", id).run();
    await unit.commit();
    expect(await env.DB.prepare("SELECT name FROM user WHERE id = ?").bind(id).first("name")).toBe("Renamed");
  });

  it("answers a read by the id of a stored row it deleted or changed from what it holds, without a round trip: the overlay would hide the stored row", async () => {
    const [gone, renamed] = [crypto.randomUUID(), crypto.randomUUID()];
    for (const id of [gone, renamed]) await insertUser(env.DB, id, `${id}@example.com`);
    const db = countingD1(env.DB);
    const unit = openUnitOfWork(db.binding);
    const run = (sql: string, ...params: unknown[]) => (unit.binding.prepare(sql) as D1PreparedStatement).bind(...params);
    await run('delete from "user" where "user"."id" = ?', gone).run();
    await run('update "user" set "name" = ? where "user"."id" = ?', "Renamed", renamed).run();
    const before = db.roundTrips.length;
    // A flow that checks the user it deleted is gone (better-auth 1.7.29's delete-user does, twice).
    expect((await run('select "id", "name" from "user" where "user"."id" = ?', gone).all()).results).toEqual([]);
    expect(await run('select "primary".* from (select * from "user" where "user"."id" = ?) as "primary" limit ?', gone, 1).raw()).toEqual([]);
    expect(await run('select count(*) from "user" where "user"."id" = ?', gone).raw()).toEqual([[0]]);
    expect(await run('select "id", "name" from "user" where "user"."id" = ?', renamed).raw()).toEqual([[renamed, "Renamed"]]);
    expect(await run('select "id" from "user" where ("user"."id" = ? and "user"."name" = ?)', renamed, "Unit").raw()).toEqual([]);
    expect(db.roundTrips.length - before).toBe(0);
    // Any other id is stored, not the unit's: D1 answers.
    expect(await run('select "id" from "user" where "user"."email" = ?', `${gone}@example.com`).raw()).toEqual([]);
    expect(db.roundTrips.length - before).toBe(1);
    await unit.commit();
    expect(await env.DB.prepare("SELECT id, name FROM user WHERE id IN (?, ?)").bind(gone, renamed).all()).toMatchObject({ results: [{ id: renamed, name: "Renamed" }] });
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

  it("holds an UPDATE: answers it from a read, shows the change to later reads, writes nothing before the commit", async () => {
    const id = crypto.randomUUID();
    const email = `${id}@example.com`;
    const unit = openUnitOfWork(env.DB);
    await insertUser(unit.binding, id, email);
    const updated = await (unit.binding.prepare('update "user" set "name" = ? where "id" = ?') as D1PreparedStatement).bind("Renamed", id).run();
    expect(updated.meta.changes).toBe(1);
    const inside = await (unit.binding.prepare('select "name" from "user" where "id" = ?') as D1PreparedStatement).bind(id).first("name");
    expect(inside).toBe("Renamed");
    expect(await countUsers(email)).toBe(0);
    unit.discard();
    expect(await countUsers(email)).toBe(0);
  });

  it("holds a DELETE of a stored row: later reads no longer see it, the commit deletes it, a discard keeps it", async () => {
    const id = crypto.randomUUID();
    const email = `${id}@example.com`;
    await insertUser(env.DB, id, email);
    const remove = (binding: { prepare(sql: string): unknown }) => (binding.prepare('delete from "user" where "user"."id" = ?') as D1PreparedStatement).bind(id).run();
    const discarded = openUnitOfWork(env.DB);
    expect((await remove(discarded.binding)).meta.changes).toBe(1);
    expect(await (discarded.binding.prepare('select count(*) as n from "user" where "email" = ?') as D1PreparedStatement).bind(email).first("n")).toBe(0);
    discarded.discard();
    expect(await countUsers(email)).toBe(1);
    const committed = openUnitOfWork(env.DB);
    await remove(committed.binding);
    expect(await countUsers(email)).toBe(1);
    await committed.commit();
    expect(await countUsers(email)).toBe(0);
  });

  it("refuses the whole commit when a held write it answered with rows no longer finds them: another request got there first", async () => {
    const id = crypto.randomUUID();
    const email = `${id}@example.com`;
    await insertUser(env.DB, id, email);
    const unit = openUnitOfWork(env.DB);
    const other = crypto.randomUUID();
    await insertUser(unit.binding, other, `${other}@example.com`);
    const consumed = await (unit.binding.prepare('delete from "user" where "user"."id" = ? returning "id"') as D1PreparedStatement).bind(id).raw();
    expect(consumed).toEqual([[id]]);
    // Another request deletes the row between the unit's read and its commit.
    await env.DB.prepare("DELETE FROM user WHERE id = ?").bind(id).run();
    const error = await unit.commit().catch((e: unknown) => e);
    expect(isWriteConflict(error)).toBe(true);
    expect(await countUsers(`${other}@example.com`)).toBe(0);
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

  it("holds an UPDATE ... RETURNING of a row it holds, read through raw(): no read, rows of values in the statement's order, one batch at the commit", async () => {
    const id = crypto.randomUUID();
    const email = `${id}@example.com`;
    const counted = countingD1(env.DB);
    const unit = openUnitOfWork(counted.binding);
    await insertUser(unit.binding, id, email);
    const renamed = await (unit.binding.prepare('update "user" set "name" = ? where "id" = ? returning "name", "id"') as D1PreparedStatement).bind("Renamed", id).raw();
    expect(renamed).toEqual([["Renamed", id]]);
    expect(counted.roundTrips).toHaveLength(0); // the row is the unit's own: nothing to read
    await unit.commit();
    expect(counted.roundTrips.at(-1)).toBe("batch of 3"); // the insert, the update and its guard
    expect(await env.DB.prepare("SELECT name FROM user WHERE id = ?").bind(id).first("name")).toBe("Renamed");
  });

  it("answers an UPDATE by a unique key of a stored row it has read whole from that row, and reads when it has not", async () => {
    const id = crypto.randomUUID();
    const email = `${id}@example.com`;
    await insertUser(env.DB, id, email);
    const columns = (await env.DB.prepare("SELECT name FROM pragma_table_info('user')").all<{ name: string }>()).results.map((c) => c.name);
    const counted = countingD1(env.DB);
    const unit = openUnitOfWork(counted.binding, new Map([["user", { columns, unique: ["email"] }]]));
    const rename = (name: string) =>
      (unit.binding.prepare('update "user" set "name" = ? where "user"."email" = ? returning "id", "name"') as D1PreparedStatement).bind(name, email).raw();
    const read = (list: string) => (unit.binding.prepare(`select ${list} from "user" where "id" = ?`) as D1PreparedStatement).bind(id).all();

    await read('"id", "email"');
    expect(await rename("First")).toEqual([[id, "First"]]);
    expect(counted.roundTrips).toHaveLength(2); // read with two columns only: the update reads the row itself
    await unit.commit();

    const next = openUnitOfWork(counted.binding, new Map([["user", { columns, unique: ["email"] }]]));
    const from = counted.roundTrips.length;
    await (next.binding.prepare('select * from "user" where "id" = ?') as D1PreparedStatement).bind(id).all();
    const renamed = await (next.binding.prepare('update "user" set "name" = ? where "user"."email" = ? returning "id", "name"') as D1PreparedStatement).bind("Second", email).raw();
    expect(renamed).toEqual([[id, "Second"]]);
    expect(counted.roundTrips.length - from).toBe(1); // the select; the update is answered from the row it read
    await next.commit();
    expect(await env.DB.prepare("SELECT name FROM user WHERE id = ?").bind(id).first("name")).toBe("Second");
  });

  it("answers an UPDATE or DELETE whose WHERE a read of the unit asked already from that read's rows, as changed since", async () => {
    const name = `Same ${crypto.randomUUID()}`;
    const [first, second] = [crypto.randomUUID(), crypto.randomUUID()];
    for (const id of [first, second]) {
      const now = new Date().toISOString();
      await env.DB.prepare("INSERT INTO user (id, name, email, email_verified, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)").bind(id, name, `${id}@example.com`, now, now).run();
    }
    const columns = (await env.DB.prepare("SELECT name FROM pragma_table_info('user')").all<{ name: string }>()).results.map((c) => c.name);
    const counted = countingD1(env.DB);
    const unit = openUnitOfWork(counted.binding, new Map([["user", { columns, unique: ["email"] }]]));
    const run = (sql: string, ...params: unknown[]) => (unit.binding.prepare(sql) as D1PreparedStatement).bind(...params).run();
    await run('select "primary".* from (select * from "user" where "user"."name" = ?) as "primary"', name);
    expect((await run('update "user" set "image" = ? where "user"."name" = ?', "https://example.com/a.png", name)).meta.changes).toBe(2);
    expect((await run('delete from "user" where "user"."id" = ?', second)).meta.changes).toBe(1);
    expect((await run('update "user" set "image" = ? where "user"."name" = ?', "https://example.com/b.png", name)).meta.changes).toBe(1);
    expect(counted.roundTrips).toHaveLength(1); // the read: every write after it was answered from the unit
    await unit.commit();
    const stored = await env.DB.prepare("SELECT id, image FROM user WHERE name = ?").bind(name).all();
    expect(stored.results).toEqual([{ id: first, image: "https://example.com/b.png" }]);
  });
});
