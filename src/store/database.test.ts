import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { DatabaseConnectionError, openDatabase } from "./database.ts";

describeEachBackend("openDatabase", (open) => {
  it("creates every table, ready for use", async () => {
    const { db } = await open();
    for (const table of [
      "predictions",
      "api_tokens",
      "files",
      "webhook_deliveries",
      "settings",
      "batches",
      "batch_items",
      "loras",
      "favorites",
      "telegram_updates",
      "telegram_users",
      "telegram_draft_photos",
      "telegram_jobs",
      "telegram_payments",
      "rate_buckets",
      "circuits",
      "provider_journal",
      "work_leases",
    ] as const) {
      expect(await db.selectFrom(table).selectAll().execute()).toEqual([]);
    }
  });

  it("runs migrations once: reopening keeps data and applies nothing again", async () => {
    const first = await open();
    await first.db.insertInto("settings").values({ key: "k", value: "v" }).execute();
    const second = await first.reopen();
    const third = await first.reopen();
    expect(await third.db.selectFrom("settings").selectAll().execute()).toEqual([{ key: "k", value: "v" }]);
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(second.db);
    expect(rows.map((r) => r.name)).toEqual([
      "0001-initial",
      "0002-prediction-route",
      "0003-batches",
      "0004-loras",
      "0005-submit-id",
      "0007-tenant-boundaries",
      "0008-prediction-warnings",
      "0009-batch-item-paths",
      "0010-prediction-search",
      "0011-favorites",
      "0013-retention",
      "0014-shared-limits",
      "0015-telegram",
      "0016-provider-journal",
      "0017-shared-engine-state",
      "0018-tenants-and-budgets",
      "0019-trace-parents",
      "0020-live-row-indexes",
      "0021-created-models",
      "0022-sparse-indexes",
      "0023-search-rows",
    ]);
  });

  it("returns BIGINT values as numbers", async () => {
    const { db } = await open();
    const { rows } = await sql<{ n: number }>`select cast(${Date.now()} as bigint) as n`.execute(db);
    expect(typeof rows[0]?.n).toBe("number");
  });
});

describe("openDatabase with SQLite", () => {
  it("creates the data folder and gengate.db in it", async () => {
    const root = await mkdtemp(join(tmpdir(), "gengate-db-"));
    const dataDir = join(root, "nested", "data");
    const database = await openDatabase({ dataDir });
    expect(database.dialect).toBe("sqlite");
    expect(existsSync(join(dataDir, "gengate.db"))).toBe(true);
    await database.close();
    await rm(root, { recursive: true, force: true });
  });
});

describe("openDatabase with PostgreSQL", () => {
  it("names DATABASE_URL but not the password when it cannot connect", async () => {
    const error = await openDatabase({
      databaseUrl: "postgres://someone:s3cret-pw@127.0.0.1:1/nothing",
      dataDir: tmpdir(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect((error as Error).message).toContain("DATABASE_URL");
    expect((error as Error).message).toContain("postgres://someone:***@127.0.0.1:1/nothing");
    expect((error as Error).message).not.toContain("s3cret-pw");
  });

  it("rejects other URL schemes and unsafe schema names", async () => {
    await expect(openDatabase({ databaseUrl: "mysql://x@y/z", dataDir: tmpdir() })).rejects.toThrow(
      "DATABASE_URL",
    );
    await expect(
      openDatabase({ databaseUrl: "postgres://x@127.0.0.1:1/z", dataDir: tmpdir(), pgSchema: "a; drop" }),
    ).rejects.toThrow("schema");
  });

  it("leaves the global int8 parser of pg alone", () => {
    expect(pg.types.getTypeParser(20)("5")).toBe("5");
  });
});
