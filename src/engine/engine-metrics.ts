/**
 * What the engine tells the metrics as it works. The engine knows only this interface; the
 * Prometheus version (src/metrics/) is plugged in by the composition root, and `NO_METRICS` when
 * metrics are off, so that nothing is counted nor paid for.
 */
import type { ErrorCode } from "../core/errors.ts";
import type { Prediction } from "../core/prediction.ts";

/** What a provider call ended with: `ok`, or the code of the error it threw (`rate_limited` for a 429). */
export type UpstreamOutcome = "ok" | ErrorCode;

/** One attempt to deliver a webhook: delivered, failed with a retry to come, or failed for good. */
export type WebhookResult = "delivered" | "retrying" | "failed";

export interface EngineMetrics {
  /** A prediction row changed from `before` to `after` (told after the change is stored). */
  predictionChanged(before: Prediction, after: Prediction): void;
  /** A call to a provider (`start`, `status`, `cancel`…) ended. */
  upstreamCall(provider: string, operation: string, outcome: UpstreamOutcome): void;
  webhookAttempt(result: WebhookResult): void;
}

export const NO_METRICS: EngineMetrics = {
  predictionChanged() {},
  upstreamCall() {},
  webhookAttempt() {},
};
