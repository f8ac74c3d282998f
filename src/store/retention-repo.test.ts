/**
 * The retention sweep's queries are cheap when nothing is due: each is answered from a partial
 * index, whatever the number of predictions kept forever.
 */
import { type Kysely, sql } from "kysely";
import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { prediction } from "../../test/support/prediction-fixture.ts";
import type { Database } from "./database.ts";
import { PredictionsRepo } from "./predictions-repo.ts";
import { RetentionRepo } from "./retention-repo.ts";
import type { DB } from "./schema.ts";

/** The query plan's text; PostgreSQL is told to avoid table scans, as it would on a large table. */
async function planOf(database: Database, query: string): Promise<string> {
  const explain = database.dialect === "sqlite" ? "explain query plan" : "explain";
  return database.db.transaction().execute(async (trx: Kysely<DB>) => {
    if (database.dialect === "postgres") await sql`set local enable_seqscan = off`.execute(trx);
    const { rows } = await sql.raw<Record<string, unknown>>(`${explain} ${query}`).execute(trx);
    return rows.map((row) => Object.values(row).join(" ")).join("\n");
  });
}

describeEachBackend("RetentionRepo", (open) => {
  it("finds due predictions and those to schedule through their indexes", async () => {
    const database = await open();
    const predictions = new PredictionsRepo(database.db, database.dialect);
    for (let i = 0; i < 50; i++) {
      await predictions.insert(prediction({ state: "succeeded", completedAt: Date.now() - i }));
    }
    const due = await planOf(
      database,
      "select id from predictions where data_removed_at is null and retain_until <= 1 order by retain_until limit 100",
    );
    expect(due).toContain("predictions_retain_until");
    const toSchedule = await planOf(
      database,
      "update predictions set retain_until = completed_at + 1 where retain_until is null and data_removed_at is null and completed_at <= 1",
    );
    expect(toSchedule).toContain("predictions_default_retention");
  });

  it("schedules ended predictions by the default once they are due, and lists them soonest first", async () => {
    const database = await open();
    const predictions = new PredictionsRepo(database.db, database.dialect);
    const retention = new RetentionRepo(database.db, database.dialect);
    const now = Date.now();
    const older = prediction({ state: "succeeded", completedAt: now - 5_000 });
    const old = prediction({ state: "failed", completedAt: now - 3_000 });
    const recent = prediction({ state: "succeeded", completedAt: now - 500 });
    const running = prediction({ state: "running" });
    for (const row of [recent, old, running, older]) await predictions.insert(row);
    await retention.scheduleByDefault(2_000, now);
    expect(await retention.due(now, 10)).toEqual([older.id, old.id]);
    expect(await retention.due(now - 2_000, 10)).toEqual([older.id]);
  });
});
