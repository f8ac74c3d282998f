/**
 * The engine's reads of live work (due candidates, counts of unfinished work, a batch's end, missed
 * webhooks) go through indexes that hold live rows, not through the table of every prediction ever
 * made: the plans of both databases are checked with 20,000 ended predictions stored. And the
 * counts and a batch's completion stay right as items are canceled, fail, are retried, go back to
 * the queue after a crash, or end while no process was there to close their batch.
 */
import {
  type CompiledQuery,
  type Kysely,
  type KyselyPlugin,
  type QueryId,
  type RootOperationNode,
  sql,
} from "kysely";
import { expect, it } from "vitest";
import type { Batch } from "../src/core/batch.ts";
import { newId } from "../src/core/ids.ts";
import type { PredictionState } from "../src/core/prediction.ts";
import { BatchesRepo } from "../src/store/batches-repo.ts";
import type { Database } from "../src/store/database.ts";
import { PredictionsRepo, unfinishedCountsOf } from "../src/store/predictions-repo.ts";
import type { DB } from "../src/store/schema.ts";
import { describeEachBackend } from "./support/backends.ts";
import { storeOldPredictions } from "./support/old-predictions.ts";
import { NOW, prediction } from "./support/prediction-fixture.ts";

const OLD = 20_000;

function batchOf(id: string, itemCount: number): Batch {
  return {
    id,
    tokenId: "t1",
    idempotencyKey: null,
    requestHash: "h",
    nameTemplate: "{index}_{slug}.{ext}",
    concurrency: 2,
    webhook: null,
    status: "processing",
    itemCount,
    createdAt: NOW,
    completedAt: null,
  };
}

function itemsOf(batchId: string, count: number, firstIndex = 1) {
  return Array.from({ length: count }, (_, i) => ({
    index: firstIndex + i,
    model: "sim/image",
    input: { prompt: `item ${firstIndex + i}` },
    prediction: prediction({ batchId, tokenId: "t1", priority: -10, createdAt: NOW + i, nextCheckAt: NOW }),
  }));
}

/** Records every statement run through the Kysely it makes, compiled as the database receives it. */
function recorder(db: Kysely<DB>) {
  const nodes: { node: RootOperationNode; queryId: QueryId }[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      nodes.push(args);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return {
    db: db.withPlugin(plugin),
    /** The statements recorded since the last call. */
    take(): CompiledQuery[] {
      const taken = nodes.splice(0).map(({ node, queryId }) => db.getExecutor().compileQuery(node, queryId));
      return taken;
    },
  };
}

/** The plan of `query`, one line per step. */
async function planOf(db: Kysely<DB>, dialect: Database["dialect"], query: CompiledQuery): Promise<string> {
  const explain = dialect === "sqlite" ? "explain query plan" : "explain";
  const { rows } = await db.executeQuery<Record<string, string>>({
    ...query,
    sql: `${explain} ${query.sql}`,
  });
  return rows.map((row) => row.detail ?? row["QUERY PLAN"] ?? JSON.stringify(row)).join("\n");
}

/** Fails unless every statement's plan reads predictions through one of `indexes` only. */
async function expectIndexed(
  database: Database,
  statements: CompiledQuery[],
  indexes: readonly string[],
): Promise<void> {
  expect(statements.length).toBeGreaterThan(0);
  for (const statement of statements) {
    const plan = await planOf(database.db, database.dialect, statement);
    const context = `${statement.sql}\n--- plan ---\n${plan}`;
    // SQLite: SCAN is a walk over a whole table or index, SEARCH a lookup; PostgreSQL: Seq Scan.
    expect(plan, context).not.toMatch(/SCAN predictions\b|Seq Scan on predictions\b/);
    expect(
      indexes.some((index) => plan.includes(index)),
      context,
    ).toBe(true);
  }
}

describeEachBackend("live-row reads", (open) => {
  it("go through indexes of live rows, with 20,000 ended predictions stored", async () => {
    const database = await open();
    await storeOldPredictions(database.db, database.dialect, OLD);
    const batches = new BatchesRepo(database.db);
    const batchId = newId();
    await batches.create(batchOf(batchId, 30), itemsOf(batchId, 30));
    const predictions = new PredictionsRepo(database.db, database.dialect);
    await predictions.insert(prediction({ state: "running", nextCheckAt: NOW }));
    await predictions.insert(prediction({ state: "submitting", nextCheckAt: NOW }));
    const recorded = recorder(database.db);
    const repo = new PredictionsRepo(recorded.db, database.dialect);

    const due = await repo.dueByGroup({ provider: "sim", now: NOW + 1, perGroup: 4 });
    expect(due).toHaveLength(4);
    await expectIndexed(database, recorded.take(), ["predictions_queued_groups"]);

    const counts = ["predictions_provider_state", "predictions_state_next_check_at"];
    expect(unfinishedCountsOf(await repo.countUnfinished("sim"), "sim")).toEqual({
      queued: 30,
      submitting: 1,
      unconfirmed: 0,
      running: 1,
    });
    await expectIndexed(database, recorded.take(), counts);
    expect(await repo.countUnfinished()).toHaveLength(3);
    await expectIndexed(database, recorded.take(), counts);

    expect(await repo.due({ states: ["running"], now: NOW + 1, limit: 64 })).toHaveLength(1);
    await expectIndexed(database, recorded.take(), counts);
    expect(await repo.due({ states: ["submitting"], now: NOW + 1, limit: 64, provider: "sim" })).toHaveLength(
      1,
    );
    await expectIndexed(database, recorded.take(), counts);

    expect((await repo.countActiveByBatch([batchId])).get(batchId)).toBeUndefined();
    await expectIndexed(database, recorded.take(), ["predictions_batch_id_state"]);

    expect(await repo.findByUpstreamId("sim", "sim_nothing_started_so")).toBeNull();
    await expectIndexed(database, recorded.take(), ["predictions_provider_upstream_id"]);

    expect(await repo.endedWithoutCompletedWebhook(Date.now() - 3_600_000, 1_000)).toEqual([]);
    await expectIndexed(database, recorded.take(), ["predictions_webhook_completed_at"]);

    expect(await new BatchesRepo(recorded.db).completeIfDone(batchId, NOW)).toBeNull();
    await expectIndexed(database, recorded.take(), ["predictions_batch_id_state"]);
  });

  it("keep counts and a batch's end right through cancel, failure, retry, requeue and a missed close", async () => {
    const database = await open();
    await storeOldPredictions(database.db, database.dialect, 1_000);
    const batches = new BatchesRepo(database.db);
    const predictions = new PredictionsRepo(database.db, database.dialect);
    const batchId = newId();
    const items = itemsOf(batchId, 4);
    await batches.create(batchOf(batchId, 4), items);
    const [done, canceled, failed, crashed] = items.map((item) => item.prediction.id) as [
      string,
      string,
      string,
      string,
    ];
    const move = async (id: string, from: PredictionState, state: PredictionState) =>
      expect(await predictions.transition(id, [from], { state })).not.toBeNull();
    const sim = async () => unfinishedCountsOf(await predictions.countUnfinished("sim"), "sim");
    const active = async () => (await predictions.countActiveByBatch([batchId])).get(batchId) ?? 0;

    expect(await sim()).toEqual({ queued: 4, submitting: 0, unconfirmed: 0, running: 0 });
    await move(done, "queued", "submitting");
    await move(done, "submitting", "running");
    await move(canceled, "queued", "canceled");
    await move(failed, "queued", "submitting");
    expect(await sim()).toEqual({ queued: 1, submitting: 1, unconfirmed: 0, running: 1 });
    expect(await active()).toBe(2);
    await move(failed, "submitting", "failed");
    await move(done, "running", "succeeded");
    // A start whose process died goes back to the queue, and then fails at its next try.
    await move(crashed, "queued", "submitting");
    await move(crashed, "submitting", "queued");
    expect(await sim()).toEqual({ queued: 1, submitting: 0, unconfirmed: 0, running: 0 });
    expect(await batches.completeIfDone(batchId, NOW + 1)).toBeNull();
    await move(crashed, "queued", "submitting");
    await move(crashed, "submitting", "failed");
    expect(await sim()).toEqual({ queued: 0, submitting: 0, unconfirmed: 0, running: 0 });
    expect(await active()).toBe(0);
    // Nobody closed the batch when its last item ended: the sweep's later look does.
    expect(await batches.completeIfDone(batchId, NOW + 2)).toMatchObject({ status: "completed" });

    // A retry runs the failed items again as new predictions: the batch is open until they end.
    const again = itemsOf(batchId, 2, 3);
    await batches.replaceItems(batchId, again);
    expect(await sim()).toEqual({ queued: 2, submitting: 0, unconfirmed: 0, running: 0 });
    expect(await batches.completeIfDone(batchId, NOW + 3)).toBeNull();
    const [first, second] = again.map((item) => item.prediction.id) as [string, string];
    await move(first, "queued", "canceled");
    expect(await batches.completeIfDone(batchId, NOW + 4)).toBeNull();
    await move(second, "queued", "submitting");
    await move(second, "submitting", "running");
    await move(second, "running", "succeeded");
    expect(await batches.completeIfDone(batchId, NOW + 5)).toMatchObject({
      status: "completed",
      completedAt: NOW + 5,
    });
    expect(await sim()).toEqual({ queued: 0, submitting: 0, unconfirmed: 0, running: 0 });
    expect(
      Number(
        (await sql<{ n: number }>`select count(*) as n from predictions`.execute(database.db)).rows[0]?.n,
      ),
    ).toBe(1_006);
  });
});
