/** The shapes of the batch API's answers the CLI reads (defined with the server's, in core). */
import type { BatchCounts, BatchJson } from "../../core/batch-json.ts";

export type { BatchCostJson, BatchCounts, BatchItemJson } from "../../core/batch-json.ts";

/** A batch with its items, as POST, GET and retry return it. */
export type BatchWithItems = BatchJson & Required<Pick<BatchJson, "items">>;

/** As in the `done` event, which leaves `items` out. */
export type BatchSummaryJson = Omit<BatchJson, "items">;

export type BatchProgressJson = Pick<BatchJson, "status" | "counts" | "cost">;

export function finishedCount(counts: BatchCounts): number {
  return counts.succeeded + counts.failed + counts.canceled;
}
