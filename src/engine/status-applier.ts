/**
 * Applies a provider's status (from a webhook or a poll) to a running prediction: progress, the
 * outputs collected into storage, a failure moved on to the next catalog target, or the end.
 */
import type { Prediction, PredictionState } from "../core/prediction.ts";
import type { StatusResult } from "../providers/provider.ts";
import type { PredictionPatch } from "../store/index.ts";
import { collectOutputs, hasPendingFiles } from "./collector.ts";
import type { EngineContext } from "./engine-context.ts";
import type { PredictionUpdater } from "./prediction-updater.ts";
import { withProviderWarnings } from "./provider-warnings.ts";
import type { Router } from "./router.ts";

const MAX_POLL_INTERVAL_MS = 5_000;

/** Without a hint from the provider, poll often at first and less as the prediction ages. */
export function pollDelayMs(row: Prediction, hintMs: number | undefined, now: number): number {
  // Whole milliseconds: next_check_at is an integer column.
  if (hintMs !== undefined) return Math.round(Math.max(0, Math.min(hintMs, MAX_POLL_INTERVAL_MS)));
  const age = now - (row.startedAt ?? now);
  return Math.round(Math.min(MAX_POLL_INTERVAL_MS, Math.max(200, age / 4)));
}

export class StatusApplier {
  private readonly ctx: EngineContext;
  private readonly updater: PredictionUpdater;
  private readonly router: Router;

  constructor(ctx: EngineContext, updater: PredictionUpdater, router: Router) {
    this.ctx = ctx;
    this.updater = updater;
    this.router = router;
  }

  /** Applies `status`; returns the updated row when it changed. */
  async apply(row: Prediction, status: StatusResult): Promise<Prediction | null> {
    const now = Date.now();
    const patch = statusPatch(row, status);
    switch (status.state) {
      case "starting":
      case "processing": {
        const nextCheckAt = now + pollDelayMs(row, status.nextPollMs, now);
        const partialOutput = status.output !== undefined && !hasPendingFiles(status.output);
        return this.updater.update(row, ["running"], {
          ...patch,
          // out-of-order updates never move a prediction backwards
          upstreamPhase: row.upstreamPhase === "processing" ? "processing" : status.state,
          nextCheckAt,
          ...(partialOutput && { output: status.output }),
        });
      }
      case "succeeded":
        return this.succeed(row, ["running"], status, patch);
      case "failed": {
        const error = status.error ?? "failed upstream";
        const predictTime = status.metrics?.predict_time ?? (now - (row.startedAt ?? now)) / 1000;
        // Output already shown to clients (streamed tokens) must not be mixed with another model's.
        const next = hasOutput(row.output) ? {} : await this.router.next(row, error, predictTime);
        const moved =
          next.state === "queued" && (await this.updater.update(row, ["running"], { ...patch, ...next }));
        if (moved) {
          this.ctx.signals.wake("dispatch");
          return moved;
        }
        return this.updater.finish(row, ["running"], "failed", {
          ...patch,
          ...next,
          error,
          metrics: { ...status.metrics, predict_time: predictTime },
        });
      }
      case "canceled":
        return this.updater.finish(row, ["running"], "canceled", {
          ...patch,
          ...(status.error !== undefined && { error: status.error }),
        });
    }
  }

  /**
   * Ends `row`, still submitting, with the success its start's answer told (a provider that
   * answers a start with the finished work): the run's fields (`running`) go in the same write as
   * the end, so the row is written once where recording the run first took two writes.
   */
  succeedAtStart(
    row: Prediction,
    running: PredictionPatch,
    status: StatusResult,
  ): Promise<Prediction | null> {
    const asRunning = { logs: row.logs, warnings: running.warnings ?? row.warnings };
    return this.succeed(row, ["submitting"], status, { ...running, ...statusPatch(asRunning, status) });
  }

  /** Stores the outputs `status` names, then ends `row` (if still in one of `from`) as succeeded. */
  private async succeed(
    row: Prediction,
    from: readonly PredictionState[],
    status: StatusResult,
    patch: PredictionPatch,
  ): Promise<Prediction | null> {
    const { store, storage } = this.ctx;
    const output = await collectOutputs(status.output ?? null, store, storage, row.id);
    return this.updater.finish(row, from, "succeeded", {
      ...patch,
      output,
      upstreamPhase: "processing",
      ...(status.metrics && { metrics: status.metrics }),
    });
  }
}

/** What a status changes besides the state: the logs (never older ones) and new warnings. */
function statusPatch(row: Pick<Prediction, "logs" | "warnings">, status: StatusResult): PredictionPatch {
  // Logs grow by appending: an update that arrives late, with a beginning of the row's logs, is older.
  const olderLogs =
    status.logs !== undefined && status.logs.length < row.logs.length && row.logs.startsWith(status.logs);
  return {
    ...(status.logs !== undefined && !olderLogs && { logs: status.logs }),
    ...withProviderWarnings(row, status.warnings),
  };
}

function hasOutput(output: unknown): boolean {
  return output !== null && !(Array.isArray(output) && output.length === 0);
}
