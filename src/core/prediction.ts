import { GatewayError } from "./errors.ts";
import type { PredictionRoute } from "./route.ts";

/**
 * The prediction state machine. Internal states are finer than what clients see; `clientStatus`
 * maps them onto Replicate's statuses.
 */

export const PREDICTION_STATES = [
  "queued",
  "submitting",
  "unconfirmed",
  "running",
  "succeeded",
  "failed",
  "canceled",
] as const;
export type PredictionState = (typeof PREDICTION_STATES)[number];

export const CLIENT_STATUSES = ["starting", "processing", "succeeded", "failed", "canceled"] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];

/** What the provider last told us about a running prediction. */
export type UpstreamPhase = "starting" | "processing";

export const WEBHOOK_EVENTS = ["start", "output", "logs", "completed"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const TRANSITIONS: Record<PredictionState, readonly PredictionState[]> = {
  queued: ["submitting", "failed", "canceled"],
  // back to queued when a retryable error happened before the provider accepted the work;
  // unconfirmed when the start's answer was lost at a provider that cannot look its work up;
  // succeeded when that answer was already the end (status-applier.ts, succeedAtStart)
  submitting: ["running", "queued", "unconfirmed", "succeeded", "failed", "canceled"],
  // may be running upstream: adopted when a marked webhook names it, failed when none does in time
  unconfirmed: ["running", "failed", "canceled"],
  // back to queued when the run failed upstream and a catalog route has another target to try
  running: ["succeeded", "failed", "canceled", "queued"],
  succeeded: [],
  failed: [],
  canceled: [],
};

export function canTransition(from: PredictionState, to: PredictionState): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * Refuses a change of a row in one of `from` that the state machine does not allow: an ended
 * prediction never changes again, and a new state must be reachable from each of `from`
 * (`to` equal to the current state, or undefined, changes other fields only).
 */
export function checkTransition(from: readonly PredictionState[], to: PredictionState | undefined): void {
  for (const state of from) {
    if (isTerminal(state)) {
      throw new GatewayError("internal", `a ${state} prediction cannot change any more`);
    }
    if (to !== undefined && to !== state && !canTransition(state, to)) {
      throw new GatewayError("internal", `a prediction cannot go from ${state} to ${to}`);
    }
  }
}

export function isTerminal(state: PredictionState): boolean {
  return state === "succeeded" || state === "failed" || state === "canceled";
}

/** States before the provider has the work for sure: clients see them as "starting". */
export const NOT_YET_STARTED_STATES: readonly PredictionState[] = ["queued", "submitting", "unconfirmed"];

/** States of work not ended yet: waiting for the provider, or running there. */
export const UNFINISHED_STATES: readonly PredictionState[] = [...NOT_YET_STARTED_STATES, "running"];

export function clientStatus(state: PredictionState, phase: UpstreamPhase | null): ClientStatus {
  if (NOT_YET_STARTED_STATES.includes(state)) return "starting";
  if (state === "running") return phase ?? "starting";
  return state as ClientStatus;
}

export interface PredictionMetrics {
  predict_time?: number;
  total_time?: number;
  /** Tokens read and written, when a text model's provider reports them. */
  input_token_count?: number;
  output_token_count?: number;
}

export interface Prediction {
  id: string;
  /** `owner/name` as the client sees it. */
  model: string;
  version: string;
  /** Registry id of the provider that serves it. */
  provider: string;
  /** The provider's own model id. */
  providerModel: string;
  input: Record<string, unknown>;
  output: unknown;
  logs: string;
  error: string | null;
  state: PredictionState;
  upstreamPhase: UpstreamPhase | null;
  /** JSON the provider returned from start(); all a later process needs to resume. */
  operation: unknown;
  attempts: number;
  webhook: string | null;
  webhookEventsFilter: WebhookEvent[] | null;
  tokenId: string | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  /** When the dispatcher or reconciler should look at this row next (ms since epoch). */
  nextCheckAt: number;
  deadlineAt: number | null;
  cancelRequestedAt: number | null;
  metrics: PredictionMetrics;
  streaming: boolean;
  priority: number;
  /** Set when the client asked for a catalog alias. */
  route?: PredictionRoute | null;
  /** Set when the prediction is an item of a batch. */
  batchId?: string | null;
  /** Set when this is a training: the `owner/name` model that receives the trained version. */
  destination?: string | null;
  /** What the provider drops or rewrites of the input (a routed prediction's are in its route). */
  warnings?: string[];
  /** How long its files and data are kept once it ends, when the client chose (ms); else the gateway's default. */
  retentionMs?: number | null;
  /** When its inputs, outputs and logs were removed (retention, or on request). */
  dataRemovedAt?: number | null;
  /** The W3C traceparent of the request that made it (when tracing is on), continued by the work. */
  traceParent?: string;
}
