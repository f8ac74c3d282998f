/** What callers ask the engine for: shared by the API side, batches and the LoRA flow. */
import type { ModelRef } from "../core/model-ref.ts";
import type { WebhookEvent } from "../core/prediction.ts";
import type { ApiToken, ListPredictionsOptions } from "../store/index.ts";

export interface SubmitRequest {
  model: string | ModelRef;
  input: Record<string, unknown>;
  webhook?: string;
  webhookEventsFilter?: WebhookEvent[];
  tokenId?: string;
  /** The token as authenticated, whose limits are checked (read again by `tokenId` when absent). */
  owner?: ApiToken;
  deadlineAt?: number;
  priority?: number;
  batchId?: string;
  /** Input fields sent only when the model takes them (a batch's name template fields); else left out. */
  sendIfTaken?: readonly string[];
  /** How long its data is kept once it ends, when the client chose; else the gateway's default. */
  retentionMs?: number;
}

export interface TrainingSubmitRequest extends Omit<SubmitRequest, "model" | "batchId" | "priority"> {
  /** The trainer, as a model reference (`owner/name` or `owner/name:version`). */
  trainer: string;
  /** `owner/name` of the model that receives the trained version. */
  destination: string;
}

/** Which predictions to list, in which order, and from where. */
export type ListRequest = ListPredictionsOptions;
