/**
 * Brings running predictions to their end: asks the provider for status when a row is due (no
 * webhook came, or it is time to poll), applies cancels and deadlines, and stores outputs.
 */
import { GatewayError } from "../core/errors.ts";
import type { Prediction } from "../core/prediction.ts";
import type { Provider, StatusResult } from "../providers/provider.ts";
import { collectOutputs, hasPendingFiles, holdOutput } from "./collector.ts";
import type { EngineContext } from "./engine-context.ts";
import { reportMisconfiguration } from "./misconfiguration.ts";
import type { PredictionUpdater } from "./prediction-updater.ts";
import type { Router } from "./router.ts";
import { RowGuard } from "./row-guard.ts";
import { WakeableLoop } from "./wakeable-loop.ts";

const IDLE_MS = 1_000;
const BATCH = 64;
/** A claimed row is left alone by other pollers for this long. */
const POLL_LEASE_MS = 60_000;
const MAX_POLL_INTERVAL_MS = 5_000;

/** Without a hint from the provider, poll often at first and less as the prediction ages. */
export function pollDelayMs(row: Prediction, hintMs: number | undefined, now: number): number {
  if (hintMs !== undefined) return Math.max(0, Math.min(hintMs, MAX_POLL_INTERVAL_MS));
  const age = now - (row.startedAt ?? now);
  return Math.min(MAX_POLL_INTERVAL_MS, Math.max(200, age / 4));
}

export class Reconciler {
  private readonly ctx: EngineContext;
  private readonly updater: PredictionUpdater;
  private readonly router: Router;
  private readonly requeued: () => void;
  private readonly loop: WakeableLoop;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly guard: RowGuard;

  /** `requeued` is called when a failed run was queued again on another catalog target. */
  constructor(ctx: EngineContext, updater: PredictionUpdater, router: Router, requeued: () => void) {
    this.ctx = ctx;
    this.updater = updater;
    this.router = router;
    this.requeued = requeued;
    this.guard = new RowGuard(ctx, updater);
    this.loop = new WakeableLoop(
      () => this.reconcileDue(),
      (error) => ctx.logger.error({ err: error }, "reconcile loop failed"),
    );
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  wakeAt(time: number): void {
    this.loop.wakeAt(time);
  }

  /** One look at the running predictions due, for a host that runs passes instead of the loop. */
  async pass(): Promise<void> {
    await this.reconcileDue();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.inFlight);
  }

  /** Applies a status that arrived by webhook or poll; returns the updated row when it changed. */
  async apply(row: Prediction, status: StatusResult): Promise<Prediction | null> {
    const now = Date.now();
    // Logs grow by appending: an update that arrives late, with a beginning of the row's logs, is older.
    const olderLogs =
      status.logs !== undefined && status.logs.length < row.logs.length && row.logs.startsWith(status.logs);
    const patch = { ...(status.logs !== undefined && !olderLogs && { logs: status.logs }) };
    switch (status.state) {
      case "starting":
      case "processing": {
        const nextCheckAt = now + pollDelayMs(row, status.nextPollMs, now);
        const partialOutput = status.output !== undefined && !hasPendingFiles(status.output);
        const updated = await this.updater.update(row, ["running"], {
          ...patch,
          // out-of-order updates never move a prediction backwards
          upstreamPhase: row.upstreamPhase === "processing" ? "processing" : status.state,
          nextCheckAt,
          ...(partialOutput && { output: status.output }),
        });
        this.loop.wakeAt(nextCheckAt);
        return updated;
      }
      case "succeeded": {
        const { store, storage } = this.ctx;
        const output = await collectOutputs(status.output ?? null, storage, (key) =>
          holdOutput(store, storage, row.id, key),
        );
        return this.updater.finish(row, ["running"], "succeeded", {
          ...patch,
          output,
          upstreamPhase: "processing",
          ...(status.metrics && { metrics: status.metrics }),
        });
      }
      case "failed": {
        const error = status.error ?? "failed upstream";
        const predictTime = status.metrics?.predict_time ?? (now - (row.startedAt ?? now)) / 1000;
        // Output already shown to clients (streamed tokens) must not be mixed with another model's.
        const next = hasOutput(row.output) ? {} : await this.router.next(row, error, predictTime);
        const moved =
          next.state === "queued" && (await this.updater.update(row, ["running"], { ...patch, ...next }));
        if (moved) {
          this.requeued();
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

  /** Cancels running work upstream and ends the prediction as canceled. */
  async cancelRunning(row: Prediction, provider: Provider): Promise<Prediction | null> {
    await provider.cancel(row.operation, this.ctx.providerContext(row.tokenId));
    return this.updater.finish(row, ["running"], "canceled", {
      ...(row.deadlineAt !== null && row.deadlineAt <= Date.now() && { error: "deadline exceeded" }),
    });
  }

  private async reconcileDue(): Promise<number> {
    const now = Date.now();
    const due = await this.ctx.store.predictions.due({ states: ["running"], now, limit: BATCH });
    for (const row of await this.guard.usable(due, "follow")) {
      await this.guard.run(row, "follow", async () => {
        const claimed = await this.ctx.store.predictions.claim(
          row.id,
          { state: "running", nextCheckAt: row.nextCheckAt },
          { nextCheckAt: now + POLL_LEASE_MS },
        );
        if (claimed) this.track(this.guard.run(claimed, "follow", () => this.check(claimed)));
      });
    }
    await Promise.all(this.inFlight);
    return due.length === BATCH ? 0 : IDLE_MS;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async check(row: Prediction): Promise<void> {
    const provider = this.ctx.providers.get(row.provider);
    try {
      const overdue = row.deadlineAt !== null && row.deadlineAt <= Date.now();
      if (row.cancelRequestedAt !== null || overdue) {
        await this.cancelRunning(row, provider);
        return;
      }
      await this.apply(row, await provider.status(row.operation, this.ctx.providerContext(row.tokenId)));
    } catch (cause) {
      await this.handleCheckError(row, GatewayError.from(cause));
    }
  }

  private async handleCheckError(row: Prediction, error: GatewayError): Promise<void> {
    reportMisconfiguration(this.ctx.logger, error, { prediction: row.id, provider: row.provider });
    if (!error.retryable) {
      await this.updater.finish(row, ["running"], "failed", { error: error.message });
      return;
    }
    const delay = error.retryAfterMs ?? pollDelayMs(row, undefined, Date.now());
    this.ctx.logger.warn(
      { prediction: row.id, err: error.message, delay },
      "status check failed, will retry",
    );
    await this.ctx.store.predictions.transition(row.id, ["running"], { nextCheckAt: Date.now() + delay });
    this.loop.wakeAt(Date.now() + delay);
  }
}

function hasOutput(output: unknown): boolean {
  return output !== null && !(Array.isArray(output) && output.length === 0);
}
