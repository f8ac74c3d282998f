import { describe, expect, it } from "vitest";
import { backends } from "../../test/support/backends.ts";
import { NOW, prediction } from "../../test/support/prediction-fixture.ts";
import type { Prediction, PredictionState } from "../core/prediction.ts";
import { PredictionsRepo, type StoredPrediction } from "./predictions-repo.ts";

// SQLite only: on PostgreSQL another process could claim between the count and the insert.
const sqlite = backends.find((backend) => backend.name === "sqlite") as (typeof backends)[number];

/** What a new prediction is stored as when it can start at once. */
const claimedOf = (p: Prediction): StoredPrediction => ({
  ...p,
  state: "submitting",
  attempts: 1,
  submitId: `submit-${p.id}`,
  nextCheckAt: NOW + 30_000,
  upstreamId: null,
});

describe("PredictionsRepo.insertClaimedIfFree", () => {
  async function withRows(rows: Array<{ state: PredictionState; provider?: string }>) {
    const database = await sqlite.open();
    const repo = new PredictionsRepo(database.db, database.dialect);
    for (const row of rows) await repo.insert(prediction({ provider: "sim", ...row }));
    return repo;
  }

  it("stores it claimed, whole, when its provider has a free place and nothing queued", async () => {
    const repo = await withRows([
      { state: "running" },
      { state: "succeeded" },
      { state: "queued", provider: "fal" },
    ]);
    const fresh = prediction({ provider: "sim" });
    expect(await repo.insertClaimedIfFree(fresh, claimedOf(fresh), 2)).toBe(true);
    expect(await repo.get(fresh.id)).toEqual(claimedOf(fresh));
  });

  it.each([
    ["a prediction of its provider is queued", [{ state: "queued" as const }], 8],
    ["its places are taken", [{ state: "running" as const }, { state: "submitting" as const }], 2],
    ["a start whose outcome is unknown holds a place", [{ state: "unconfirmed" as const }], 1],
  ])("stores it queued, as it was, when %s", async (_, rows, concurrency) => {
    const repo = await withRows(rows);
    const fresh = prediction({ provider: "sim" });
    expect(await repo.insertClaimedIfFree(fresh, claimedOf(fresh), concurrency)).toBe(false);
    expect(await repo.get(fresh.id)).toEqual({ ...fresh, upstreamId: null, submitId: null });
  });
});
