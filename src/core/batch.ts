/** A batch: many predictions submitted together, tracked as numbered items. */

export type BatchStatus = "processing" | "completed" | "canceled";

export const DEFAULT_NAME_TEMPLATE = "{index}_{slug}.{ext}";

/** Items wait behind interactive predictions (priority 0) for the same provider. */
export const BATCH_ITEM_PRIORITY = -10;

/** One generation of a batch as the client asked for it. */
export interface BatchItemRequest {
  /** 1-based position in the batch. */
  index: number;
  model: string;
  input: Record<string, unknown>;
  /** The item's own file path in the output folder, instead of the name template's name. */
  outputPath?: string;
  /** The client's own data about the item: kept and returned, never sent to the model. */
  metadata?: Record<string, unknown>;
}

export interface Batch {
  id: string;
  tokenId: string | null;
  /** `<token id>:<Idempotency-Key>` when the client sent one. */
  idempotencyKey: string | null;
  /** Hash of the request body, to tell a repeated request from a different one under the same key. */
  requestHash: string;
  nameTemplate: string;
  /** At most this many items run at once; null for no cap beyond the providers'. */
  concurrency: number | null;
  webhook: string | null;
  status: BatchStatus;
  itemCount: number;
  createdAt: number;
  completedAt: number | null;
}
