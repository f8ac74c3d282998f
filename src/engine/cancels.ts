/**
 * Cancels from any process: work not started yet ends at once; work running upstream is marked,
 * and the worker following it cancels it there (the API side never calls a provider).
 */
import { isTerminal, type Prediction } from "../core/prediction.ts";
import type { EngineContext } from "./engine-context.ts";
import type { PredictionUpdater } from "./prediction-updater.ts";
import { readPrediction, waitUntil } from "./prediction-waits.ts";
import type { UnconfirmedStarts } from "./unconfirmed-starts.ts";

const CANCEL_WAIT_MS = 10_000;

export class Cancels {
  private readonly ctx: EngineContext;
  private readonly updater: PredictionUpdater;
  private readonly unconfirmed: UnconfirmedStarts;

  constructor(ctx: EngineContext, updater: PredictionUpdater, unconfirmed: UnconfirmedStarts) {
    this.ctx = ctx;
    this.updater = updater;
    this.unconfirmed = unconfirmed;
  }

  /** Cancels a prediction; work already running upstream is canceled there too. */
  async cancel(id: string, tokenId?: string): Promise<Prediction> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await readPrediction(this.ctx, id, tokenId);
      if (isTerminal(row.state)) return row;
      if (row.state === "submitting" || row.state === "running") {
        // A start in flight is canceled once it has started; running work by its follower.
        await this.request(row);
        await waitUntil(this.ctx, id, (p) => p.state !== row.state || isTerminal(p.state), CANCEL_WAIT_MS);
        continue;
      }
      const ended =
        row.state === "queued"
          ? await this.updater.finish(row, ["queued"], "canceled")
          : await this.unconfirmed.cancel(row);
      if (ended) return ended;
    }
    return readPrediction(this.ctx, id, tokenId);
  }

  private async request(row: Prediction): Promise<void> {
    if (row.cancelRequestedAt !== null) return;
    const now = Date.now();
    // Running work is due for its follower at once; the update tells a worker reading its stream.
    const patch =
      row.state === "running" ? { cancelRequestedAt: now, nextCheckAt: now } : { cancelRequestedAt: now };
    await this.updater.update(row, [row.state], patch);
    if (row.state === "running") this.ctx.signals.wake("reconcile");
  }
}
