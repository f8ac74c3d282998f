/** Follows a batch to its end: shows progress and saves each succeeded item's outputs as it arrives. */
import type { ApiClient } from "../api-client.ts";
import { followBatchEvents } from "./batch-events.ts";
import type { BatchItemJson, BatchSummaryJson, BatchWithItems } from "./batch-json.ts";
import type { BatchProgress } from "./batch-progress.ts";
import { createOutputSaver, type SavedOutputs } from "./output-saver.ts";

export interface BatchOutcome {
  batch: BatchSummaryJson;
  /** The finished items, the latest try of each. */
  items: BatchItemJson[];
  outputs: SavedOutputs;
}

export async function followBatch(
  client: ApiClient,
  started: BatchWithItems,
  outDir: string,
  progress: BatchProgress,
): Promise<BatchOutcome> {
  const saver = createOutputSaver(client, outDir);
  const seen = new Set<string>();
  const latest = new Map<number, BatchItemJson>();
  try {
    const batch = await followBatchEvents(client, started.urls.events, {
      progress: ({ counts }) => progress.update(counts),
      item(item) {
        // Items come at least once (again on every reconnect); a retried one has a new prediction.
        const key = `${item.index}:${item.prediction_id}`;
        if (seen.has(key)) return;
        seen.add(key);
        latest.set(item.index, item);
        if (item.status === "succeeded") for (const output of item.outputs) saver.save(output);
      },
    });
    progress.update(batch.counts);
    const outputs = await saver.finish();
    const items = [...latest.values()].sort((a, b) => a.index - b.index);
    return { batch, items, outputs };
  } finally {
    progress.stop();
  }
}
