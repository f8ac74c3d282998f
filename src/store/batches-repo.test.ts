import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { NOW, prediction } from "../../test/support/prediction-fixture.ts";
import type { Batch } from "../core/batch.ts";
import { newId } from "../core/ids.ts";
import type { Prediction, PredictionState } from "../core/prediction.ts";
import { BatchesRepo } from "./batches-repo.ts";
import { PredictionsRepo } from "./predictions-repo.ts";

function batch(overrides: Partial<Batch> = {}): Batch {
  return {
    id: newId(),
    tokenId: "t1",
    idempotencyKey: null,
    requestHash: "h",
    nameTemplate: "{index}_{slug}.{ext}",
    concurrency: null,
    webhook: null,
    status: "processing",
    itemCount: 0,
    createdAt: NOW,
    completedAt: null,
    ...overrides,
  };
}

function items(batchId: string, states: PredictionState[], tokenId = "t1") {
  return states.map((state, i) => ({
    index: i + 1,
    model: "sim/image",
    input: { prompt: `item ${i + 1}` },
    prediction: prediction({ state, batchId, tokenId, priority: -10, createdAt: NOW + i }),
  }));
}

describeEachBackend("BatchesRepo", (open) => {
  async function repos() {
    const { db, dialect } = await open();
    return { batches: new BatchesRepo(db), predictions: new PredictionsRepo(db, dialect) };
  }

  it("stores a batch with its items and reads them back in order", async () => {
    const { batches } = await repos();
    const b = batch({ itemCount: 3 });
    const stored = items(b.id, ["queued", "running", "succeeded"]);
    await batches.create(b, stored);
    expect(await batches.get(b.id)).toEqual(b);
    const read = await batches.items(b.id);
    expect(read.map((item) => [item.index, item.model, item.input, item.prediction.id])).toEqual(
      stored.map((item) => [item.index, item.model, item.input, item.prediction.id]),
    );
    expect(read[1]?.prediction).toMatchObject({ state: "running", batchId: b.id });
  });

  it("keeps an item's output path and metadata, and reads their absence as absent", async () => {
    const { batches } = await repos();
    const b = batch({ itemCount: 2 });
    const [withExtras, plain] = items(b.id, ["queued", "queued"]) as [
      ReturnType<typeof items>[0],
      ReturnType<typeof items>[0],
    ];
    const metadata = { sku: "A-1", tags: ["x", "é"], nested: { n: 3 } };
    await batches.create(b, [{ ...withExtras, outputPath: "a/Fox café.png", metadata }, plain]);
    const [first, second] = await batches.items(b.id);
    expect([first?.outputPath, first?.metadata]).toEqual(["a/Fox café.png", metadata]);
    expect(second).not.toHaveProperty("outputPath");
    expect(second).not.toHaveProperty("metadata");
  });

  it("writes a large batch in chunks, all or nothing", async () => {
    const { batches, predictions } = await repos();
    const b = batch({ itemCount: 1_200 });
    await batches.create(b, items(b.id, Array(1_200).fill("queued")));
    expect((await batches.items(b.id)).length).toBe(1_200);
    const clash = batch({ id: b.id });
    await expect(batches.create(clash, items(clash.id, ["queued"]))).rejects.toThrow();
    expect((await predictions.countByState()).queued).toBe(1_200);
  });

  it("finds a batch by its idempotency key, which names one batch only", async () => {
    const { batches } = await repos();
    const b = batch({ idempotencyKey: "t1:k" });
    await batches.create(b, items(b.id, ["queued"]));
    expect((await batches.findByIdempotencyKey("t1:k"))?.id).toBe(b.id);
    expect(await batches.findByIdempotencyKey("t2:k")).toBeNull();
    const twin = batch({ idempotencyKey: "t1:k" });
    await expect(batches.create(twin, items(twin.id, ["queued"]))).rejects.toThrow();
  });

  it("completes a batch only once none of its items is unfinished", async () => {
    const { batches, predictions } = await repos();
    const b = batch();
    const stored = items(b.id, ["succeeded", "running"]);
    await batches.create(b, stored);
    expect(await batches.completeIfDone(b.id, NOW + 10)).toBeNull();
    await predictions.transition(stored[1]?.prediction.id ?? "", ["running"], { state: "failed" });
    expect(await batches.completeIfDone(b.id, NOW + 20)).toMatchObject({
      status: "completed",
      completedAt: NOW + 20,
    });
    expect(await batches.completeIfDone(b.id, NOW + 30)).toBeNull();
    expect(await batches.processingIds()).not.toContain(b.id);
  });

  it("points retried items at their new predictions and reopens the batch", async () => {
    const { batches } = await repos();
    const b = batch();
    await batches.create(b, items(b.id, ["succeeded", "failed"]));
    await batches.completeIfDone(b.id, NOW);
    const again: Prediction = prediction({ batchId: b.id });
    await batches.replaceItems(b.id, [{ index: 2, prediction: again }]);
    expect((await batches.get(b.id))?.status).toBe("processing");
    expect((await batches.items(b.id)).map((item) => item.prediction.id)[1]).toBe(again.id);
  });

  it("marks a batch canceled once", async () => {
    const { batches } = await repos();
    const b = batch();
    await batches.create(b, items(b.id, ["queued"]));
    expect(await batches.markCanceled(b.id, NOW + 5)).toMatchObject({
      status: "canceled",
      completedAt: NOW + 5,
    });
    expect(await batches.markCanceled(b.id, NOW + 6)).toBeNull();
    expect(await batches.completeIfDone(b.id, NOW + 7)).toBeNull();
  });

  it("reopens a canceled batch whose failed items are retried", async () => {
    const { batches } = await repos();
    const b = batch();
    await batches.create(b, items(b.id, ["failed", "canceled"]));
    await batches.markCanceled(b.id, NOW);
    await batches.replaceItems(b.id, [{ index: 1, prediction: prediction({ batchId: b.id }) }]);
    expect(await batches.get(b.id)).toMatchObject({ status: "processing", completedAt: null });
  });

  it("lists a token's batches newest first", async () => {
    const { batches } = await repos();
    const older = batch({ createdAt: NOW });
    const newer = batch({ createdAt: NOW + 1 });
    const others = batch({ tokenId: "t2", createdAt: NOW + 2 });
    for (const b of [older, newer, others]) await batches.create(b, items(b.id, ["queued"], b.tokenId ?? ""));
    expect((await batches.list({ tokenId: "t1", limit: 10 })).map((b) => b.id)).toEqual([newer.id, older.id]);
  });

  it("offers due predictions per (tenant, batch) group, the most urgent of each first", async () => {
    const { batches, predictions } = await repos();
    const a = batch();
    const b = batch({ tokenId: "t2" });
    await batches.create(a, items(a.id, ["queued", "queued", "queued"]));
    await batches.create(b, items(b.id, ["queued", "queued"], "t2"));
    const interactive = prediction({ tokenId: "t2", priority: 0, createdAt: NOW + 100 });
    await predictions.insert(interactive);
    const due = await predictions.dueByGroup({ provider: "sim", now: NOW + 1_000, perGroup: 2 });
    expect(due.map((p) => [p.tokenId, p.batchId ?? null])).toEqual([
      ["t2", null],
      ["t1", a.id],
      ["t2", b.id],
      ["t1", a.id],
      ["t2", b.id],
    ]);
  });

  it("counts each batch's items being started or running", async () => {
    const { batches, predictions } = await repos();
    const a = batch();
    const b = batch();
    await batches.create(a, items(a.id, ["submitting", "running", "queued", "succeeded"]));
    await batches.create(b, items(b.id, ["queued"]));
    const active = await predictions.countActiveByBatch([a.id, b.id]);
    expect(active.get(a.id)).toBe(2);
    expect(active.get(b.id)).toBeUndefined();
  });
});
