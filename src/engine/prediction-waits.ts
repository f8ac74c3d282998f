/** Waiting for a prediction to reach a state: told by its events, read from the database at the start and end. */
import { GatewayError } from "../core/errors.ts";
import type { Prediction } from "../core/prediction.ts";
import type { EngineContext } from "./engine-context.ts";

export async function readPrediction(ctx: EngineContext, id: string, tokenId?: string): Promise<Prediction> {
  const prediction = await ctx.store.predictions.get(id);
  if (!prediction || (tokenId !== undefined && prediction.tokenId !== tokenId)) {
    throw new GatewayError("not_found", `prediction ${id} not found`);
  }
  return prediction;
}

/**
 * Resolves with the prediction once `done` holds, or as it is when `timeoutMs` runs out. `current`
 * gives the prediction as it is once its events are listened to (by default, read from the database).
 */
export async function waitUntil(
  ctx: EngineContext,
  id: string,
  done: (p: Prediction) => boolean,
  timeoutMs: number,
  current: () => Promise<Prediction> = () => readPrediction(ctx, id),
): Promise<Prediction> {
  let resolveEnd: (prediction: Prediction) => void = () => {};
  const ended = new Promise<Prediction>((resolve) => {
    resolveEnd = resolve;
  });
  const unsubscribe = ctx.events.subscribe(id, (event) => {
    if (event.type === "update" && done(event.prediction)) resolveEnd(event.prediction);
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const now = await current();
    if (done(now)) return now;
    const timedOut = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    return (await Promise.race([ended, timedOut])) ?? (await readPrediction(ctx, id));
  } finally {
    clearTimeout(timer);
    unsubscribe();
  }
}
