/** Creates the batch, or finds the one an earlier run of the same command created and retries its failures. */
import type { ApiClient } from "../api-client.ts";
import type { BatchWithItems } from "./batch-json.ts";
import { type BatchRequestBody, idempotencyKey } from "./batch-request.ts";
import { plural } from "./format.ts";

export interface StartedBatch {
  batch: BatchWithItems;
  resumed: boolean;
  /** How many failed items of the earlier run were sent again. */
  retried: number;
}

export async function startBatch(client: ApiClient, body: BatchRequestBody): Promise<StartedBatch> {
  const response = await client.send("POST", "/v1/batches", {
    body,
    headers: { "idempotency-key": idempotencyKey(body) },
  });
  const batch = (await response.json()) as BatchWithItems;
  // 201 is a new batch; 200 is the batch this same request created before.
  const resumed = response.status === 200;
  const failed = batch.counts.failed;
  if (!resumed || failed === 0) return { batch, resumed, retried: 0 };
  return { batch: await client.request<BatchWithItems>("POST", batch.urls.retry), resumed, retried: failed };
}

export function describeStart({ batch, resumed, retried }: StartedBatch): string {
  const items = plural(batch.counts.total, "item");
  if (!resumed) return `batch ${batch.id} created: ${items}`;
  return `batch ${batch.id} resumed: ${items}${retried > 0 ? `, retrying ${retried} failed` : ""}`;
}
