/** The fake's programmatic API, as gengate's tests and benchmarks use it. */
import type { TrainingInputRecord } from "./training-data.ts";

export type { TrainingInputRecord } from "./training-data.ts";

export interface FakeReplicateOptions {
  /** Accepted bearer token; default "r8_fake_test_token". */
  token?: string;
  /** Model run time, uniform in [min, max] ms; default { min: 50, max: 150 }. */
  latencyMs?: { min: number; max: number };
  /** Time in "starting" before "processing"; default 0. */
  bootMs?: number;
  /** Prediction creates per minute per token; default 600. */
  createsPerMinute?: number;
  /** Every other endpoint, per minute per token; default 3000. */
  requestsPerMinute?: number;
  /** Bucket size for both limits; default perMinute / 10 (at least 1). */
  burst?: number;
  /**
   * The account's create limit as Replicate lowered it (as it does while credit is low), below
   * `createsPerMinute`: creates are held to it and 429s state it. Default none.
   */
  loweredCreates?: CreateLimit | null;
  /** Delivery files and prediction data expire after this; default 3_600_000. */
  outputTtlMs?: number;
  /** Delays between retries of a terminal webhook; default [1000, 2000, 4000]. */
  webhookRetryDelaysMs?: number[];
  /** How long a training takes; default 500. */
  trainingMs?: number;
}

export interface CreateLimit {
  perMinute: number;
  burst: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  /** 0 while unanswered, and for a connection destroyed by a fault. */
  status: number;
  at: number;
  body: unknown;
  /** Lower-case names; the authorization value is replaced by "[redacted]". */
  headers: Record<string, string>;
  /** The port the request came from, which tells which local process sent it (see test/support/socket-owner.ts). */
  clientPort: number | undefined;
}

export interface WebhookAttempt {
  url: string;
  webhookId: string;
  /** null when the receiver was unreachable. */
  status: number | null;
  at: number;
  body: string;
}

export type PredictionStatus = "starting" | "processing" | "succeeded" | "failed" | "canceled" | "aborted";
export type WebhookEvent = "start" | "output" | "logs" | "completed";

export interface FakePrediction {
  id: string;
  kind: "prediction" | "training";
  model: string;
  /** As the API shows it: the version id, "hidden" (official models) or "dp-…" (deployments). */
  version: string;
  /** The 64-hex version that runs. */
  versionId: string;
  deployment: string | null;
  /** Trainings: the destination model, "owner/name". */
  destination: string | null;
  input: Record<string, unknown>;
  webhook: string | null;
  webhookEventsFilter: WebhookEvent[];
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  /** From `Cancel-After`. */
  deadline: number | null;
  status: PredictionStatus;
  output: unknown;
  logs: string;
  error: string | null;
  /** Set when terminal: predict_time and total_time in seconds, and model-specific counts. */
  metrics: Record<string, number> | null;
  dataRemoved: boolean;
}

export interface FaultControls {
  /** The next N API requests answer this status (default 503) before doing anything. */
  errors5xx(count: number, status?: number): void;
  /** The next N webhook deliveries are silently not sent. */
  dropWebhooks(count: number): void;
  /** The next N webhook deliveries are sent twice, with the same webhook-id. */
  duplicateWebhooks(count: number): void;
  /** The next N API requests wait `ms` before answering. */
  slow(ms: number, count: number): void;
  /** The next N output file downloads (delivery host) wait `ms` before answering. */
  slowDeliveries(ms: number, count: number): void;
  /** The next N output file downloads (delivery host) answer this status (default 503). */
  failDeliveries(count: number, status?: number): void;
  /** The next N prediction (or training) creates: the connection is destroyed and nothing is created. */
  resetBeforeCreate(count: number): void;
  /** The next N prediction (or training) creates run, then the connection is destroyed without a response. */
  resetAfterCreate(count: number): void;
  /** The next N runs of model "owner/name" fail upstream with `error` (default "CUDA out of memory"). */
  failRuns(model: string, count: number, error?: string): void;
}

export interface FakeReplicate {
  /** API base including /v1, e.g. "http://127.0.0.1:PORT/v1". */
  url: string;
  /** The separate origin serving output files. */
  deliveryUrl: string;
  token: string;
  /** "whsec_…" now, also served at GET /v1/webhooks/default/secret. */
  readonly webhookSecret: string;
  /** Every API request, in order of arrival. */
  requests: RecordedRequest[];
  /** Downloads from the delivery origin. */
  deliveries: RecordedRequest[];
  webhookAttempts: WebhookAttempt[];
  /** Predictions and trainings, oldest first (snapshots). */
  predictions(): FakePrediction[];
  /** What each training found in its `input_images` zip, in the order they read it (copies). */
  trainingInputs(): TrainingInputRecord[];
  faults: FaultControls;
  /** Lowers the account's create limit from now on (see `loweredCreates`), or with null restores it. */
  lowerCreates(limit: CreateLimit | null): void;
  /** Replaces the webhook signing secret, as Replicate's rotation does; returns the new "whsec_…". */
  rotateWebhookSecret(): string;
  /** Clears recorded requests, webhook attempts, faults and rate-limit buckets; keeps models. */
  reset(): void;
  close(): Promise<void>;
}
