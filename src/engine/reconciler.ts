/**
 * Brings running predictions to their end: asks the provider for status when a row is due (no
 * webhook came, or it is time to poll), or applies the end a webhook brought (received-webhooks.ts),
 * applies cancels and deadlines, and stores outputs.
 */
import { GatewayError } from "../core/errors.ts";
import type { Prediction, PredictionState } from "../core/prediction.ts";
import type { Provider, StatusResult } from "../providers/provider.ts";
import type { PredictionPatch, StoredPrediction } from "../store/index.ts";
import { inStoredTrace } from "../tracing/work-spans.ts";
import type { EngineContext } from "./engine-context.ts";
import { Leases, leasedPredictions } from "./leases.ts";
import { reportMisconfiguration } from "./misconfiguration.ts";
import type { PredictionUpdater } from "./prediction-updater.ts";
import type { ReceivedWebhooks } from "./received-webhooks.ts";
import { RowGuard } from "./row-guard.ts";
import { pollDelayMs, type StatusApplier } from "./status-applier.ts";
import { WakeableLoop } from "./wakeable-loop.ts";

const IDLE_MS = 1_000;
/** Status checks (with their output copies) under way at once. */
const MAX_CHECKS = 64;

export class Reconciler {
  private readonly ctx: EngineContext;
  private readonly updater: PredictionUpdater;
  private readonly applier: StatusApplier;
  private readonly received: ReceivedWebhooks;
  private readonly loop: WakeableLoop;
  private readonly inFlight = new Set<Promise<void>>();
  /** The last pass left due rows unclaimed for want of room. */
  private full = false;
  private readonly guard: RowGuard;
  private readonly leases: Leases<PredictionState>;

  constructor(
    ctx: EngineContext,
    updater: PredictionUpdater,
    applier: StatusApplier,
    received: ReceivedWebhooks,
  ) {
    this.ctx = ctx;
    this.updater = updater;
    this.applier = applier;
    this.received = received;
    this.guard = new RowGuard(ctx, updater);
    this.leases = new Leases(leasedPredictions(ctx.store));
    this.loop = new WakeableLoop(
      () => this.reconcileDue(),
      (error) => ctx.logger.error({ err: error }, "reconcile loop failed"),
      { signals: ctx.signals, kind: "reconcile" },
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
    await Promise.all(this.inFlight);
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.inFlight);
  }

  /** Applies a status that arrived by poll, and polls again when it asks. */
  async apply(row: Prediction, status: StatusResult): Promise<Prediction | null> {
    const updated = await this.applier.apply(row, status);
    if (updated?.state === "running") this.loop.wakeAt(updated.nextCheckAt);
    return updated;
  }

  /**
   * Applies the status a start's answer gave, under the lease the start left in the row, instead
   * of checking again; a failure to apply it (an output copy) is retried like a check's.
   */
  async applyStarted(row: Prediction, status: StatusResult): Promise<void> {
    await this.leases.hold(row.id, "running", row.nextCheckAt, () =>
      this.received.whileApplying(row, status, async () => {
        try {
          await this.apply(row, status);
        } catch (cause) {
          await this.handleCheckError(row, GatewayError.from(cause));
        }
      }),
    );
  }

  /**
   * Ends `row`, still submitting, with the success its start's answer told, in one write with its
   * run's fields (`running`). Should storing the outputs fail, the run is recorded and a check
   * retries as after any failed check. Throws only when the row cannot be written at all.
   */
  async succeedAtStart(row: Prediction, running: PredictionPatch, status: StatusResult): Promise<void> {
    await this.received.whileApplying(row, status, async () => {
      try {
        await this.applier.succeedAtStart(row, running, status);
      } catch (cause) {
        const recorded = await this.updater.update(row, ["submitting"], running);
        if (recorded) await this.handleCheckError(recorded, GatewayError.from(cause));
      }
    });
  }

  /** Cancels running work upstream and ends the prediction as canceled. */
  async cancelRunning(row: Prediction, provider: Provider): Promise<Prediction | null> {
    await provider.cancel(row.operation, this.ctx.providerContext(row.tokenId));
    return this.updater.finish(row, ["running"], "canceled", {
      ...(row.deadlineAt !== null && row.deadlineAt <= Date.now() && { error: "deadline exceeded" }),
    });
  }

  /**
   * Claims what is due, up to MAX_CHECKS checks under way, and returns without waiting for them: a
   * slow check (a large output) holds up no other. Claimed rows are leased, so no pass takes them again.
   */
  private async reconcileDue(): Promise<number> {
    const room = MAX_CHECKS - this.inFlight.size;
    if (room <= 0) {
      this.full = true;
      return IDLE_MS;
    }
    const now = Date.now();
    const due = await this.ctx.store.predictions.due({ states: ["running"], now, limit: room });
    for (const row of await this.guard.usable(due, "follow")) {
      await this.guard.run(row, "follow", async () => {
        const leaseEnd = this.leases.end(now);
        const claimed = await this.ctx.store.predictions.claim(
          row.id,
          { state: "running", nextCheckAt: row.nextCheckAt },
          { nextCheckAt: leaseEnd },
        );
        if (!claimed) return;
        this.track(
          this.leases.hold(claimed.id, "running", leaseEnd, () =>
            this.guard.run(claimed, "follow", () =>
              inStoredTrace("check", claimed, { attributes: { "gengate.provider": claimed.provider } }, () =>
                this.check(claimed),
              ),
            ),
          ),
        );
      });
    }
    return due.length === room ? 0 : IDLE_MS;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => {
      this.inFlight.delete(work);
      // A pass that found no room for more checks looks again once one has ended.
      if (!this.full) return;
      this.full = false;
      this.loop.wake();
    });
  }

  private async check(row: StoredPrediction): Promise<void> {
    const provider = this.ctx.providers.get(row.provider);
    try {
      // The end a webhook told is the provider's last word: applied even when a cancel came after it.
      const told = await this.received.take(row, provider);
      if (told) {
        await this.apply(row, told);
        return;
      }
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
