/**
 * The worker side of the engine: the loops that start queued work at its provider, follow it to
 * its end (polling, reading streams), deliver webhooks and run the LoRA flow.
 */
import type { Prediction } from "../core/prediction.ts";
import type { Provider, StatusResult } from "../providers/provider.ts";
import { Dispatcher } from "./dispatcher.ts";
import type { EngineParts } from "./engine-parts.ts";
import { Reconciler } from "./reconciler.ts";
import { RowGuard } from "./row-guard.ts";
import { pumpStream } from "./stream-pump.ts";
import { sweep } from "./sweeps.ts";
import { LoraRunner } from "./training/lora-runner.ts";

export class EngineWorker {
  private readonly parts: EngineParts;
  private readonly dispatcher: Dispatcher;
  private readonly reconciler: Reconciler;
  private readonly loraRunner: LoraRunner;
  private readonly pumps = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private stopImmediateStarts = () => {};

  constructor(parts: EngineParts) {
    this.parts = parts;
    const { ctx, updater, router, unconfirmed, applier, received, prep, loras, admissions } = parts;
    this.reconciler = new Reconciler(ctx, updater, applier, received);
    this.dispatcher = new Dispatcher(ctx, updater, router, unconfirmed, {
      onRunning: (row, provider, status) => this.onRunning(row, provider, status),
      onSucceededAtStart: (row, running, status) => this.reconciler.succeedAtStart(row, running, status),
    });
    this.loraRunner = new LoraRunner(ctx, {
      prepare: (request) => prep.prepare(request),
      prepareTraining: (request) => prep.prepareTraining(request),
      wakeDispatcher: () => ctx.signals.wake("dispatch"),
      ended: (lora) => loras.ended(lora),
      admissions,
    });
  }

  /**
   * Starts the loops. `alone`: this process is the only one (embedded mode), so whatever it finds
   * mid-flight was left by its predecessor, to be resumed at once rather than when its lease ends,
   * and new predictions may start from their insert (immediate-starts.ts).
   */
  async start({ alone }: { alone: boolean }): Promise<void> {
    if (alone) await this.takeOver();
    this.parts.ctx.uploads.start();
    this.parts.webhooks.start();
    this.reconciler.start();
    this.dispatcher.start();
    if (alone) this.stopImmediateStarts = this.parts.immediateStarts.register(this.dispatcher);
    this.loraRunner.start();
  }

  /**
   * One worker pass instead of start()'s loops, for a host that schedules work itself (an Azure
   * Functions timer): start what is queued, follow what is running and collect its outputs, step
   * the LoRAs, deliver the webhooks due, sweep expired uploads.
   */
  async runPass(): Promise<void> {
    await this.dispatcher.pass();
    await this.reconciler.pass();
    await this.loraRunner.pass();
    await this.parts.webhooks.pass();
    await this.parts.ctx.uploads.pass();
    await Promise.all(this.pumps);
  }

  /**
   * Stops claiming work and waits, until `deadline` at most, for the starts under way and the
   * streams being read to end; whatever is still read then is handed back by stop().
   */
  async drain(deadline: number): Promise<void> {
    this.stopImmediateStarts();
    await this.dispatcher.stop();
    const timeLeft = new Promise<void>((resolve) =>
      setTimeout(resolve, Math.max(0, deadline - Date.now())).unref(),
    );
    await Promise.race([Promise.all(this.pumps), timeLeft]);
  }

  async stop(): Promise<void> {
    this.stopImmediateStarts();
    this.stopping.abort();
    await Promise.all(this.pumps);
    await this.loraRunner.stop();
    await this.dispatcher.stop();
    await this.reconciler.stop();
    await this.parts.webhooks.stop();
    await this.parts.ctx.uploads.stop();
  }

  private async onRunning(
    row: Prediction,
    provider: Provider,
    status: StatusResult | undefined,
  ): Promise<void> {
    if (status) return this.reconciler.applyStarted(row, status);
    if (!row.streaming) {
      this.reconciler.wakeAt(row.nextCheckAt);
      return;
    }
    const { ctx, updater } = this.parts;
    const pump = pumpStream(ctx, updater, row, provider, this.stopping.signal).finally(() => {
      this.pumps.delete(pump);
      this.reconciler.wake();
    });
    this.pumps.add(pump);
  }

  private async takeOver(): Promise<void> {
    const { ctx, updater } = this.parts;
    const all = Number.MAX_SAFE_INTEGER;
    const now = Date.now();
    const guard = new RowGuard(ctx, updater);
    const orphans = await ctx.store.predictions.due({
      states: ["submitting", "running"],
      now: all,
      limit: all,
    });
    for (const row of await guard.usable(orphans, "resume")) {
      // A start that may have reached the provider is the dispatcher's to resolve, at once.
      await guard.run(row, "resume", async () => {
        await ctx.store.predictions.transition(row.id, [row.state], { nextCheckAt: now });
      });
    }
    if (orphans.length > 0) ctx.logger.info({ count: orphans.length }, "resuming predictions after restart");
    await this.loraRunner.recover();
    await sweep(this.parts, 0);
  }
}
