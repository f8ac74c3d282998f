import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteKysely, runDirectly, wrapDatabaseSync } from "./sqlite-driver.ts";

describe("wrapDatabaseSync", () => {
  it("tells readers from writers and reports changes", () => {
    const db = wrapDatabaseSync(new DatabaseSync(":memory:"));
    db.prepare("create table t (a integer, b text)").run([]);
    const insert = db.prepare("insert into t values (?, ?)");
    expect(insert.reader).toBe(false);
    expect(insert.run([1, "x"])).toEqual({ changes: 1, lastInsertRowid: 1 });
    const returning = db.prepare("insert into t values (?, ?) returning a");
    expect(returning.reader).toBe(true);
    expect(returning.all([2, "y"])).toEqual([{ a: 2 }]);
    expect(db.prepare("update t set b = 'z'").run([])).toMatchObject({ changes: 2 });
    const select = db.prepare("select a from t where a >= ? order by a");
    expect(select.reader).toBe(true);
    expect([...select.iterate([1])]).toEqual([{ a: 1 }, { a: 2 }]);
    db.close();
  });

  it("binds booleans as 0 and 1, whole numbers as INTEGER, others as REAL", () => {
    const db = wrapDatabaseSync(new DatabaseSync(":memory:"));
    const row = db
      .prepare("select ? as t, ? as f, typeof(?) as b, typeof(?) as i, typeof(?) as r, ? as big")
      .all([true, false, true, 1_760_000_000_123, 1.5, 2 ** 60]);
    expect(row).toEqual([{ t: 1, f: 0, b: "integer", i: "integer", r: "real", big: 2 ** 60 }]);
    db.prepare("create table t (s text)").run([]);
    db.prepare("insert into t values (?)").run([5]);
    expect(db.prepare("select s from t").all([])).toEqual([{ s: "5" }]);
    db.close();
  });
});

describe("prepared statements", () => {
  it("are prepared once per SQL text, the least recently used dropped past the cache's size", () => {
    const database = new DatabaseSync(":memory:");
    const prepares: string[] = [];
    const prepare = database.prepare.bind(database);
    database.prepare = (text: string) => {
      prepares.push(text);
      return prepare(text);
    };
    const db = wrapDatabaseSync(database, 2);
    db.prepare("create table t (a integer)").run([]);
    for (let i = 0; i < 3; i++) db.prepare("insert into t values (?)").run([i]);
    expect(db.prepare("select count(*) as n from t").all([])).toEqual([{ n: 3 }]);
    expect(prepares).toEqual([
      "create table t (a integer)",
      "insert into t values (?)",
      "select count(*) as n from t",
    ]);
    // Two kept: the insert, used again, stays; the select, used least recently, is dropped.
    db.prepare("insert into t values (?)").run([9]);
    db.prepare("create table u (b text)").run([]);
    db.prepare("insert into t values (?)").run([10]);
    expect(db.prepare("select count(*) as n from t").all([])).toEqual([{ n: 5 }]);
    expect(prepares.slice(3)).toEqual(["create table u (b text)", "select count(*) as n from t"]);
    db.close();
  });

  it("keep working after the schema changes under them", () => {
    const db = wrapDatabaseSync(new DatabaseSync(":memory:"));
    db.prepare("create table t (a integer)").run([]);
    db.prepare("insert into t values (?)").run([1]);
    expect(db.prepare("select * from t").all([])).toEqual([{ a: 1 }]);
    db.prepare("alter table t add column b text").run([]);
    db.prepare("update t set b = 'x'").run([]);
    expect(db.prepare("select * from t").all([])).toEqual([{ a: 1, b: "x" }]);
    db.close();
  });
});

describe("reading integers", () => {
  it("gives back one beyond Number's safe range as the nearest number, without failing the query", () => {
    const db = wrapDatabaseSync(new DatabaseSync(":memory:"));
    db.prepare("create table t (id text, at bigint)").run([]);
    db.prepare("insert into t values ('ok', 1760000000123), ('huge', 360001760000000000)").run([]);
    const select = db.prepare("select id, at from t order by id");
    expect(select.all([])).toEqual([
      { id: "huge", at: 360001760000000000 },
      { id: "ok", at: 1760000000123 },
    ]);
    expect([...select.iterate([])].map((row) => typeof (row as { at: unknown }).at)).toEqual([
      "number",
      "number",
    ]);
    db.close();
  });
});

describe("openSqliteKysely", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("opens the file in WAL mode with the connection settings applied", async () => {
    dir = await mkdtemp(join(tmpdir(), "gengate-sqlite-"));
    const db = openSqliteKysely<unknown>(join(dir, "x.db"));
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
    expect(await pragma("journal_mode")).toBe("wal");
    expect(await pragma("synchronous")).toBe(1);
    expect(await pragma("busy_timeout")).toBe(5000);
    expect(await pragma("foreign_keys")).toBe(1);
    await db.destroy();
  });

  it("streams select results and runs transactions", async () => {
    dir = await mkdtemp(join(tmpdir(), "gengate-sqlite-"));
    const db = openSqliteKysely<{ t: { a: number } }>(join(dir, "x.db"));
    await db.schema.createTable("t").addColumn("a", "integer").execute();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("t")
        .values([{ a: 1 }, { a: 2 }])
        .execute();
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("t").values({ a: 3 }).execute();
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const streamed: number[] = [];
    for await (const row of db.selectFrom("t").select("a").orderBy("a").stream()) streamed.push(row.a);
    expect(streamed).toEqual([1, 2]);
    await db.destroy();
  });

  it("runs a statement directly while no transaction holds the connection, and only then", async () => {
    dir = await mkdtemp(join(tmpdir(), "gengate-sqlite-"));
    const db = openSqliteKysely<{ t: { a: number } }>(join(dir, "x.db"));
    await db.schema.createTable("t").addColumn("a", "integer").execute();
    expect(runDirectly(db, "insert into t values (?) returning a", [1])).toEqual([{ a: 1 }]);
    expect(runDirectly(db, "insert into t values (?)", [2])).toEqual([]);
    const count = "select count(*) as n from t";
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("t").values({ a: 3 }).execute();
      // inside the transaction, the statement would join it; the transaction's own handle is not direct
      expect(runDirectly(db, count, [])).toBeUndefined();
      expect(runDirectly(trx, count, [])).toBeUndefined();
    });
    expect(runDirectly(db, count, [])).toEqual([{ n: 3 }]);
    expect(runDirectly({}, count, [])).toBeUndefined();
    await db.destroy();
  });
});
