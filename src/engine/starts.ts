/** What a provider is asked to start for a prediction, and what its answer makes of the row. */
import { GatewayError } from "../core/errors.ts";
import type { Provider, StartRequest, StartResult, StatusResult } from "../providers/provider.ts";
import type { PredictionPatch, StoredPrediction } from "../store/index.ts";
import type { EngineContext } from "./engine-context.ts";
import { withProviderWarnings } from "./provider-warnings.ts";
import { STREAM_LEASE_MS } from "./stream-pump.ts";

/** Where `provider` sends its webhooks, when gengate is reachable from outside. */
export function webhookUrlOf(ctx: EngineContext, provider: Provider): string | undefined {
  return ctx.publicUrl && `${ctx.publicUrl}/hooks/${provider.id}`;
}

/** The start of the row's current submit (the one it was last claimed for). */
export function startRequestOf(ctx: EngineContext, provider: Provider, row: StoredPrediction): StartRequest {
  if (row.submitId === null)
    throw new GatewayError("internal", `prediction ${row.id} was not claimed for a submit`, {
      retryable: false,
    });
  const webhookUrl = webhookUrlOf(ctx, provider);
  return {
    predictionId: row.id,
    submitId: row.submitId,
    providerModel: row.providerModel,
    input: row.input,
    ...(row.deadlineAt !== null && { deadlineAt: row.deadlineAt }),
    ...(webhookUrl && { webhookUrl }),
  };
}

/**
 * The row running the work `started` describes. `leaseEnd`: the status is in hand and applied by
 * this process, which holds the row until then.
 */
export function runningPatch(
  row: StoredPrediction,
  started: StartResult,
  now: number,
  leaseEnd?: number,
): PredictionPatch {
  return {
    state: "running",
    upstreamId: started.upstreamId,
    operation: started.operation,
    upstreamPhase: "starting",
    startedAt: now,
    nextCheckAt: row.streaming ? now + STREAM_LEASE_MS : (leaseEnd ?? now + (started.nextPollMs ?? 0)),
    ...withProviderWarnings(row, started.warnings),
  };
}

/** The status the start's answer gave, to apply at once rather than check for (never for a stream, which is pumped). */
export function statusInHand(row: StoredPrediction, started: StartResult): StatusResult | undefined {
  return row.streaming ? undefined : started.status;
}
