import { describe, expect, it } from "vitest";
import type { BatchCounts, BatchItemJson } from "./batch-json.ts";
import { formatSummary, shortfall } from "./batch-summary.ts";
import type { BatchOutcome } from "./follow-batch.ts";

function outcome(counts: Partial<BatchCounts>, items: BatchItemJson[] = []): BatchOutcome {
  const all = { queued: 0, starting: 0, processing: 0, succeeded: 0, failed: 0, canceled: 0, ...counts };
  const total = all.succeeded + all.failed + all.canceled;
  return {
    batch: {
      id: "b1",
      status: "completed",
      created_at: "2026-11-23T10:00:00.000Z",
      completed_at: "2026-11-23T10:01:00.000Z",
      name_template: "{index}_{slug}.{ext}",
      concurrency: null,
      counts: { ...all, total },
      cost: { usd: 0.0125, unpriced_items: 0 },
      urls: { get: "", events: "", cancel: "", retry: "", archive: "" },
    },
    items,
    outputs: { saved: total, present: 0, failed: [] },
  };
}

function item(
  index: number,
  status: BatchItemJson["status"],
  extra: Partial<BatchItemJson> = {},
): BatchItemJson {
  return {
    index,
    model: "sim/image",
    output_path: null,
    metadata: null,
    status,
    prediction_id: `p${index}`,
    error: null,
    outputs: [],
    ...extra,
  };
}

describe("formatSummary", () => {
  it("shows the counts, the failed and canceled items, cost, time and where the files are", () => {
    const result = outcome({ succeeded: 8, failed: 1, canceled: 1 }, [
      item(1, "succeeded", { outputs: [{ name: "1_a.png", url: "http://x/1" }] }),
      item(3, "failed", { error: "Simulated failure:\n  out of memory" }),
      item(7, "canceled", { model: "gengate/fast-image" }),
    ]);
    result.batch.cost.unpriced_items = 2;
    result.outputs = { saved: 5, present: 3, failed: [] };
    expect(formatSummary(result, "out", 83_000)).toBe(
      [
        "status     items",
        "succeeded  8",
        "failed     1",
        "canceled   1",
        "total      10",
        "",
        "index  model               status    error",
        "3      sim/image           failed    Simulated failure: out of memory",
        "7      gengate/fast-image  canceled",
        "",
        "cost: $0.0125 (2 items without a price)",
        "elapsed: 1m 23s",
        "outputs: out (5 files saved, 3 already there)",
        "",
      ].join("\n"),
    );
  });

  it("lists the text of text items, and the downloads that failed", () => {
    const result = outcome({ succeeded: 2 }, [
      item(1, "succeeded", { model: "sim/text", text: "hello\nthere" }),
      item(2, "succeeded", { outputs: [{ name: "2_b.png", url: "http://x/2" }] }),
    ]);
    result.outputs = { saved: 0, present: 0, failed: [{ name: "2_b.png", error: "HTTP 500" }] };
    const summary = formatSummary(result, ".", 4_200);
    expect(summary).toContain("index  model     text\n1      sim/text  hello there\n");
    expect(summary).toContain("file     download error\n2_b.png  HTTP 500\n");
    expect(summary).toContain("elapsed: 4.2s\noutputs: . (0 files saved)\n");
  });
});

describe("shortfall", () => {
  it("is nothing when every item succeeded and every file was saved", () => {
    expect(shortfall(outcome({ succeeded: 3 }))).toBeUndefined();
  });

  it("says what did not succeed, and that a rerun retries failures", () => {
    expect(shortfall(outcome({ succeeded: 1, failed: 2 }))).toBe(
      "2 failed and 0 canceled of 3 items; rerun the same command to retry the failed ones",
    );
    expect(shortfall(outcome({ succeeded: 1, canceled: 1 }))).toBe("0 failed and 1 canceled of 2 items");
    const lost = outcome({ succeeded: 1 });
    lost.outputs.failed.push({ name: "1_a.png", error: "HTTP 404" });
    expect(shortfall(lost)).toBe("1 output could not be downloaded; rerun the same command to fetch them");
  });
});
