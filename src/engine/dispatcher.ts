/**
 * Starts queued predictions when their provider's concurrency and rate budget allow, higher
 * priority first and then in fair turns between tenants and batches. A start that may have
 * reached the provider before a crash or error is looked up (find) before trying again, so no
 * paid work is started twice.
 */
import { GatewayError } from "../core/errors.ts";
import type { Prediction } from "../core/prediction.ts";
import type { Provider, StartResult } from "../providers/provider.ts";
import { trainingOf } from "../providers/training-of.ts";
import type { StoredPrediction } from "../store/index.ts";
import { BatchCaps } from "./batch-caps.ts";
import type { EngineContext } from "./engine-context.ts";
import { FairShare } from "./fair-share.ts";
import type { PredictionUpdater } from "./prediction-updater.ts";
import type { Router } from "./router.ts";
import { STREAM_LEASE_MS } from "./stream-pump.ts";
import { WakeableLoop } from "./wakeable-loop.ts";

const IDLE_MS = 1_000;
const SUBMIT_LEASE_MS = 120_000;
const MAX_START_ATTEMPTS = 5;
const CLAIM_BATCH = 64;

export function retryDelayMs(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** (attempt - 1));
}

export class Dispatcher {
  private readonly ctx: EngineContext;
  private readonly updater: PredictionUpdater;
  private readonly router: Router;
  private readonly onRunning: (prediction: Prediction, provider: Provider) => void;
  private readonly loop: WakeableLoop;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly fairShares = new Map<string, FairShare>();
  private readonly batchCaps: BatchCaps;

  constructor(
    ctx: EngineContext,
    updater: PredictionUpdater,
    router: Router,
    onRunning: (prediction: Prediction, provider: Provider) => void,
  ) {
    this.ctx = ctx;
    this.updater = updater;
    this.router = router;
    this.onRunning = onRunning;
    this.batchCaps = new BatchCaps(ctx.store);
    this.loop = new WakeableLoop(
      () => this.dispatch(),
      (error) => ctx.logger.error({ err: error }, "dispatch loop failed"),
    );
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.inFlight);
  }

  private async dispatch(): Promise<number> {
    let next = IDLE_MS;
    for (const provider of this.ctx.providers.all()) {
      next = Math.min(next, await this.dispatchFor(provider));
    }
    return next;
  }

  private async dispatchFor(provider: Provider): Promise<number> {
    await this.requeueAbandoned(provider);
    const limits = this.ctx.catalog.routing.providers[provider.id];
    const counts = await this.ctx.store.predictions.countByState(provider.id);
    const free = (limits?.concurrency ?? provider.concurrency) - counts.submitting - counts.running;
    if (free <= 0 || counts.queued === 0) return IDLE_MS;
    const limit = Math.min(free, CLAIM_BATCH);
    const now = Date.now();
    const candidates = await this.ctx.store.predictions.dueByGroup({
      provider: provider.id,
      now,
      perGroup: limit,
    });
    const fairShare = this.fairShareOf(provider.id);
    const due = fairShare.order(await this.batchCaps.within(candidates)).slice(0, limit);
    const { bucket: key, perMinute, burst } = provider.rateLimit;
    const bucket = this.ctx.limiter.bucket(key, limits?.perMinute ?? perMinute, burst);
    for (const row of due) {
      const wait = bucket.take();
      if (wait > 0) return wait;
      const claimed = await this.ctx.store.predictions.transition(row.id, ["queued"], {
        state: "submitting",
        attempts: row.attempts + 1,
        nextCheckAt: now + SUBMIT_LEASE_MS,
      });
      if (!claimed) continue;
      fairShare.record(claimed);
      this.track(this.submit(provider, claimed));
    }
    return due.length === limit && free > limit ? 0 : IDLE_MS;
  }

  private fairShareOf(providerId: string): FairShare {
    const existing = this.fairShares.get(providerId);
    if (existing) return existing;
    const created = new FairShare();
    this.fairShares.set(providerId, created);
    return created;
  }

  /** Submissions whose lease ran out belong to a process that died; their next try looks them up first. */
  private async requeueAbandoned(provider: Provider): Promise<void> {
    const now = Date.now();
    const abandoned = await this.ctx.store.predictions.due({
      states: ["submitting"],
      now,
      limit: CLAIM_BATCH,
      provider: provider.id,
    });
    for (const row of abandoned) {
      await this.ctx.store.predictions.transition(row.id, ["submitting"], {
        state: "queued",
        nextCheckAt: now,
      });
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => {
      this.inFlight.delete(work);
      this.loop.wake();
    });
  }

  private async submit(provider: Provider, row: StoredPrediction): Promise<void> {
    try {
      const found = row.attempts > 1 ? await this.findStarted(provider, row) : null;
      // The run this prediction left behind when it fell back to another target is no work to adopt.
      const adopted = found && found.upstreamId !== row.upstreamId ? found : null;
      const started: StartResult = adopted ?? (await this.startUpstream(provider, row));
      if (adopted) this.ctx.logger.info({ prediction: row.id }, "adopted work started before a restart");
      const now = Date.now();
      const running = await this.updater.update(row, ["submitting"], {
        state: "running",
        upstreamId: started.upstreamId,
        operation: started.operation,
        upstreamPhase: "starting",
        startedAt: now,
        nextCheckAt: now + (row.streaming ? STREAM_LEASE_MS : (started.nextPollMs ?? 0)),
      });
      if (running) this.onRunning(running, provider);
    } catch (error) {
      await this.handleStartError(provider, row, GatewayError.from(error));
    }
  }

  private findStarted(provider: Provider, row: StoredPrediction): Promise<StartResult | null> {
    const ctx = this.ctx.providerContext(row.tokenId);
    return row.destination ? trainingOf(provider).findTraining(row.id, ctx) : provider.find(row.id, ctx);
  }

  private startUpstream(provider: Provider, row: StoredPrediction): Promise<StartResult> {
    const ctx = this.ctx.providerContext(row.tokenId);
    const webhookUrl = this.ctx.publicUrl && `${this.ctx.publicUrl}/hooks/${provider.id}`;
    if (row.destination) {
      return trainingOf(provider).startTraining(
        {
          trainingId: row.id,
          trainer: row.providerModel,
          destination: row.destination,
          input: row.input,
          ...(webhookUrl && { webhookUrl }),
        },
        ctx,
      );
    }
    return provider.start(
      {
        predictionId: row.id,
        providerModel: row.providerModel,
        input: row.input,
        ...(row.deadlineAt !== null && { deadlineAt: row.deadlineAt }),
        ...(webhookUrl && { webhookUrl }),
      },
      ctx,
    );
  }

  private async handleStartError(
    provider: Provider,
    row: StoredPrediction,
    error: GatewayError,
  ): Promise<void> {
    if (error.code === "rate_limited") {
      const { bucket, perMinute, burst } = provider.rateLimit;
      this.ctx.limiter.bucket(bucket, perMinute, burst).pause(error.retryAfterMs ?? 1_000);
    }
    // A throttled start created nothing upstream: it waits for the budget without using up a try.
    const throttled = error.code === "rate_limited";
    if (throttled || (error.retryable && row.attempts < MAX_START_ATTEMPTS)) {
      const delay = error.retryAfterMs ?? retryDelayMs(row.attempts);
      this.ctx.logger.warn({ prediction: row.id, err: error.message, delay }, "start failed, will retry");
      await this.updater.update(row, ["submitting"], {
        state: "queued",
        nextCheckAt: Date.now() + delay,
        ...(throttled && { attempts: row.attempts - 1 }),
      });
      this.loop.wakeAt(Date.now() + delay);
      return;
    }
    // The start failed for good, so nothing runs upstream: a catalog route may move to its next target.
    const next = await this.router.next(row, error.message);
    if (next.state === "queued" && (await this.updater.update(row, ["submitting"], next))) {
      this.loop.wake();
      return;
    }
    await this.updater.finish(row, ["submitting"], "failed", { ...next, error: error.message });
  }
}
