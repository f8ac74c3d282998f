/**
 * Keeps the engine's loops going past one bad prediction: a row the store could not read whole, or
 * whose handling throws, is logged and failed with the reason, and the loop goes on with the others
 * instead of failing on the same row at every turn.
 */
import { GatewayError } from "../core/errors.ts";
import type { PredictionState } from "../core/prediction.ts";
import type { PredictionPatch, StoredPrediction } from "../store/index.ts";
import type { EngineContext } from "./engine-context.ts";
import type { PredictionUpdater } from "./prediction-updater.ts";

const UNFINISHED: readonly PredictionState[] = ["queued", "submitting", "running"];

export class RowGuard {
  private readonly ctx: EngineContext;
  private readonly updater: PredictionUpdater;

  constructor(ctx: EngineContext, updater: PredictionUpdater) {
    this.ctx = ctx;
    this.updater = updater;
  }

  /** `rows` without the damaged ones, which are failed on the way; `action` says what the loop does. */
  async usable<T extends StoredPrediction>(rows: readonly T[], action: string): Promise<T[]> {
    const whole: T[] = [];
    for (const row of rows) {
      if (row.damage) {
        await this.fail(row, action, `its stored row is damaged: ${row.damage.reason}`, row.damage.repair);
      } else {
        whole.push(row);
      }
    }
    return whole;
  }

  /** Runs `work` on one prediction; if it throws, the prediction is failed and the error goes no further. */
  async run(row: StoredPrediction, action: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      await this.fail(row, action, GatewayError.from(error).message);
    }
  }

  private async fail(row: StoredPrediction, action: string, reason: string, repair: PredictionPatch = {}) {
    const error = `gengate could not ${action} this prediction: ${reason}`;
    this.ctx.logger.error(
      { prediction: row.id, err: reason },
      `could not ${action} a prediction; failing it`,
    );
    await this.cancelUpstream(row);
    try {
      await this.updater.finish(row, UNFINISHED, "failed", { ...repair, error });
    } catch (cause) {
      this.ctx.logger.error({ prediction: row.id, err: cause }, "could not fail a prediction either");
    }
  }

  /** Work running upstream is canceled, if its provider can still be asked, so it is not paid for unseen. */
  private async cancelUpstream(row: StoredPrediction): Promise<void> {
    if (row.state !== "running" || row.operation === null) return;
    const provider = this.ctx.providers.all().find((p) => p.id === row.provider);
    try {
      await provider?.cancel(row.operation, this.ctx.providerContext(row.tokenId));
    } catch (cause) {
      this.ctx.logger.warn({ prediction: row.id, err: cause }, "could not cancel its upstream work");
    }
  }
}
