/**
 * Reads a streaming provider's tokens as they come, publishes each one at once (and the finish
 * part that ends the stream) and saves the growing output now and then; the reconciler records the final status when the stream ends, or
 * cancels the work upstream when a cancel was asked (from any process) while it was read. A
 * stream this process stops reading (it is stopping) is due for the reconciler of any process at once.
 */
import type { Prediction } from "../core/prediction.ts";
import type { Provider } from "../providers/provider.ts";
import type { EngineContext } from "./engine-context.ts";
import type { PredictionUpdater } from "./prediction-updater.ts";

/** While a stream is read, pollers leave the row alone for this long (renewed on each save). */
export const STREAM_LEASE_MS = 30_000;
const SAVE_EVERY_MS = 250;

export async function pumpStream(
  ctx: EngineContext,
  updater: PredictionUpdater,
  row: Prediction,
  provider: Provider,
  signal: AbortSignal,
): Promise<void> {
  if (!provider.stream) return;
  const canceled = new AbortController();
  const stopCancel = ctx.events.subscribe(row.id, (event) => {
    if (event.type === "update" && event.prediction.cancelRequestedAt !== null) canceled.abort();
  });
  const tokens: string[] = [];
  let current: Prediction | null = row;
  let savedAt = Date.now();
  const save = async () => {
    if (!current) return;
    savedAt = Date.now();
    current = await updater.update(current, ["running"], {
      output: [...tokens],
      upstreamPhase: "processing",
      nextCheckAt: savedAt + STREAM_LEASE_MS,
    });
  };
  try {
    for await (const event of provider.stream(row.operation, {
      ...ctx.providerContext(row.tokenId),
      signal: AbortSignal.any([signal, canceled.signal]),
    })) {
      if (canceled.signal.aborted) break;
      if (event.type === "finish") ctx.events.publish(row.id, event);
      if (event.type !== "output") continue;
      const index = tokens.push(event.data) - 1;
      ctx.events.publish(row.id, { type: "token", index, data: event.data });
      if (Date.now() - savedAt >= SAVE_EVERY_MS) await save();
      if (!current || canceled.signal.aborted) break;
    }
    if (!canceled.signal.aborted) await save();
  } catch (error) {
    // Stopping: the row is handed back below, for another worker to follow.
    if (!signal.aborted && !canceled.signal.aborted)
      ctx.logger.warn({ prediction: row.id, err: error }, "stream ended early; falling back to polling");
  } finally {
    stopCancel();
  }
  await ctx.store.predictions.transition(row.id, ["running"], { nextCheckAt: Date.now() });
}
