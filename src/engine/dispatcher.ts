/**
 * Starts queued predictions when their provider's concurrency and rate budget allow, higher
 * priority first and then in fair turns between tenants and batches. A start that may have
 * reached the provider before a crash or a lost answer is never repeated blindly: it is looked up
 * (find) before trying again, or, at a provider that cannot look its work up, waits for a webhook
 * to name it (unconfirmed-starts.ts), so no paid work is started twice.
 */
import { GatewayError } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import type { Prediction, PredictionState } from "../core/prediction.ts";
import type { RateBucket } from "../core/rate-limiter.ts";
import type { Provider, StartResult, StatusResult } from "../providers/provider.ts";
import { trainingOf } from "../providers/training-of.ts";
import {
  type PredictionPatch,
  type StoredPrediction,
  type UnfinishedCounts,
  unfinishedCountsOf,
} from "../store/index.ts";
import { inStoredTrace } from "../tracing/work-spans.ts";
import { BatchCaps } from "./batch-caps.ts";
import type { EngineContext } from "./engine-context.ts";
import { FairShare } from "./fair-share.ts";
import type { NewWorkStarter, StoreNew } from "./immediate-starts.ts";
import { Leases, leasedPredictions } from "./leases.ts";
import { reportMisconfiguration } from "./misconfiguration.ts";
import type { PredictionUpdater } from "./prediction-updater.ts";
import { startBudgetOf } from "./rate-budget.ts";
import type { Router } from "./router.ts";
import { RowGuard } from "./row-guard.ts";
import { runningPatch, startRequestOf, statusInHand, webhookUrlOf } from "./starts.ts";
import type { UnconfirmedStarts } from "./unconfirmed-starts.ts";
import { WakeableLoop } from "./wakeable-loop.ts";
import { wantsWebhook } from "./webhook-sender.ts";

const IDLE_MS = 1_000;
const MAX_START_ATTEMPTS = 5;
const CLAIM_BATCH = 64;

export type OnRunning = (
  prediction: Prediction,
  provider: Provider,
  status: StatusResult | undefined,
) => Promise<void> | void;

/** Told of a start whose answer is already a success, to end the row (still submitting) at once. */
export type OnSucceededAtStart = (
  prediction: Prediction,
  running: PredictionPatch,
  status: StatusResult,
) => Promise<void>;

export function retryDelayMs(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** (attempt - 1));
}

export class Dispatcher implements NewWorkStarter {
  private readonly ctx: EngineContext;
  private readonly updater: PredictionUpdater;
  private readonly router: Router;
  private readonly unconfirmed: UnconfirmedStarts;
  /** Told of work that runs, with its status when the start's answer gave it (applied before it returns). */
  private readonly onRunning: OnRunning;
  private readonly onSucceededAtStart: OnSucceededAtStart;
  private readonly loop: WakeableLoop;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly batchCaps: BatchCaps;
  private readonly guard: RowGuard;
  private readonly leases: Leases<PredictionState>;
  /** Whether the last pass left queued work for want of room: only then may a submit's end let more start. */
  private waitingForRoom = false;

  constructor(
    ctx: EngineContext,
    updater: PredictionUpdater,
    router: Router,
    unconfirmed: UnconfirmedStarts,
    { onRunning, onSucceededAtStart }: { onRunning: OnRunning; onSucceededAtStart: OnSucceededAtStart },
  ) {
    this.ctx = ctx;
    this.updater = updater;
    this.router = router;
    this.unconfirmed = unconfirmed;
    this.onRunning = onRunning;
    this.onSucceededAtStart = onSucceededAtStart;
    this.batchCaps = new BatchCaps(ctx.store);
    this.guard = new RowGuard(ctx, updater);
    this.leases = new Leases(leasedPredictions(ctx.store));
    this.loop = new WakeableLoop(
      () => this.dispatch(),
      (error) => ctx.logger.error({ err: error }, "dispatch loop failed"),
      { signals: ctx.signals, kind: "dispatch" },
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

  /** One dispatch, with the starts it made, for a host that runs passes instead of the loop. */
  async pass(): Promise<void> {
    await this.dispatch();
    await Promise.all(this.inFlight);
  }

  /** One pass over every provider, from one count of the unfinished work of all of them. */
  private async dispatch(): Promise<number> {
    let next = IDLE_MS;
    this.waitingForRoom = false;
    const unfinished = await this.ctx.store.predictions.countUnfinished();
    for (const provider of this.ctx.providers.all()) {
      next = Math.min(next, await this.dispatchFor(provider, unfinishedCountsOf(unfinished, provider.id)));
    }
    return next;
  }

  /** `counts`: the provider's unfinished work as this pass counted it. */
  private async dispatchFor(provider: Provider, counts: UnfinishedCounts): Promise<number> {
    // Requeued work is claimed on the next pass, at once.
    if (counts.submitting > 0 && (await this.requeueAbandoned(provider)) > 0) return 0;
    if (counts.unconfirmed > 0) await this.unconfirmed.expire(provider);
    if (this.room(provider, counts) === 0) return IDLE_MS;
    // Counting and claiming are one step across processes: none claims a place another just took.
    return this.ctx.locks.withLock(`dispatch:${provider.id}`, () => this.claimDue(provider));
  }

  /** How many more of `provider`'s queued predictions may start now (0 with none queued). */
  private room(provider: Provider, counts: UnfinishedCounts): number {
    // Unconfirmed work may be running upstream: it holds its place until it is known.
    const inFlight = counts.submitting + counts.unconfirmed + counts.running;
    const free = this.concurrencyOf(provider) - inFlight;
    if (counts.queued === 0) return 0;
    if (free <= 0) this.waitingForRoom = true;
    return Math.max(0, free);
  }

  private concurrencyOf(provider: Provider): number {
    return this.ctx.catalog.routing.providers[provider.id]?.concurrency ?? provider.concurrency;
  }

  /**
   * Stores a new prediction claimed by this process and starts it, when its provider has nothing
   * queued, a free place and a token of its rate budget; otherwise stores it queued. Under the
   * provider's dispatch lock, as a claim from the queue. A batch's item is always queued: only a
   * claim counts its batch's cap.
   */
  async storeAndStart(prediction: Prediction, store: StoreNew): Promise<boolean> {
    const provider = this.ctx.providers.all().find((candidate) => candidate.id === prediction.provider);
    if (!provider || prediction.batchId) return store(null);
    return this.ctx.locks.withLock(`dispatch:${provider.id}`, async () => {
      const bucket = this.bucketOf(provider);
      if ((await bucket.available()) < 1) return store(null);
      const row: StoredPrediction = {
        ...prediction,
        state: "submitting",
        attempts: prediction.attempts + 1,
        submitId: newId(),
        nextCheckAt: this.leases.end(),
        upstreamId: null,
      };
      if (!(await store({ row, concurrency: this.concurrencyOf(provider) }))) return false;
      // Another provider drawing on the same budget took its last token meanwhile: the queue waits for the next.
      if ((await bucket.take(1)).taken === 0) {
        await this.ctx.store.predictions.transition(row.id, ["submitting"], {
          state: "queued",
          attempts: prediction.attempts,
          submitId: null,
          nextCheckAt: Date.now(),
        });
        return false;
      }
      this.launch(provider, row);
      return true;
    });
  }

  private async claimDue(provider: Provider): Promise<number> {
    const counts = await this.ctx.store.predictions.countUnfinished(provider.id);
    const free = this.room(provider, unfinishedCountsOf(counts, provider.id));
    if (free === 0) return IDLE_MS;
    const limit = Math.min(free, CLAIM_BATCH);
    const now = Date.now();
    const candidates = await this.guard.usable(
      await this.ctx.store.predictions.dueByGroup({ provider: provider.id, now, perGroup: limit }),
      "start",
    );
    const claim = () => this.claimAmong(provider, candidates, { free, limit, now });
    // A batch's cap counts its items at every provider, so its places are counted and taken under
    // one more lock, shared by all providers' claims (always taken after a provider's own).
    if (await this.batchCaps.anyCapped(candidates))
      return this.ctx.locks.withLock("dispatch:batch-caps", claim);
    return claim();
  }

  /** Starts up to `limit` of `candidates`, as their batches' caps and the budget let them. */
  private async claimAmong(
    provider: Provider,
    candidates: readonly StoredPrediction[],
    { free, limit, now }: { free: number; limit: number; now: number },
  ): Promise<number> {
    // Read under the locks held here, and written back before they are let go: the turns are global.
    const fairShare = new FairShare(await this.ctx.store.fairShares.load(provider.id));
    const due = fairShare.order(await this.batchCaps.within(candidates)).slice(0, limit);
    if (due.length === 0) return IDLE_MS;
    const { taken, waitMs } = await this.bucketOf(provider).take(due.length);
    try {
      for (const row of due.slice(0, taken)) {
        await this.guard.run(row, "start", () => this.claim(provider, row, this.leases.end(now), fairShare));
      }
    } finally {
      await this.ctx.store.fairShares.save(provider.id, fairShare.changes());
    }
    if (taken < due.length) return waitMs;
    return due.length === limit && free > limit ? 0 : IDLE_MS;
  }

  /** Takes a queued prediction for this process (until `leaseEnd`) and starts it. */
  private async claim(
    provider: Provider,
    row: StoredPrediction,
    leaseEnd: number,
    fairShare: FairShare,
  ): Promise<void> {
    const claimed = await this.ctx.store.predictions.transition(row.id, ["queued"], {
      state: "submitting",
      attempts: row.attempts + 1,
      submitId: newId(),
      nextCheckAt: leaseEnd,
    });
    if (!claimed) return;
    fairShare.record(claimed);
    this.launch(provider, claimed);
  }

  /** Submits a prediction this process claimed (its lease in `nextCheckAt`), holding the lease meanwhile. */
  private launch(provider: Provider, claimed: StoredPrediction): void {
    this.track(
      this.leases.hold(claimed.id, "submitting", claimed.nextCheckAt, () =>
        this.guard.run(claimed, "start", () =>
          inStoredTrace("dispatch", claimed, { attributes: { "gengate.provider": provider.id } }, () =>
            this.submit(provider, claimed),
          ),
        ),
      ),
    );
  }

  private bucketOf(provider: Provider): RateBucket {
    return startBudgetOf(this.ctx, provider);
  }

  /**
   * Submissions whose lease ran out belong to a process that died, maybe after its submit
   * arrived: their next try looks them up first, or they wait for a webhook to name their work.
   * Returns how many went back to the queue.
   */
  private async requeueAbandoned(provider: Provider): Promise<number> {
    const now = Date.now();
    const abandoned = await this.guard.usable(
      await this.ctx.store.predictions.due({
        states: ["submitting"],
        now,
        limit: CLAIM_BATCH,
        provider: provider.id,
      }),
      "start",
    );
    let requeued = 0;
    for (const row of abandoned) {
      await this.guard.run(row, "start", async () => {
        if (!canFind(provider, row)) {
          await this.unconfirmed.park(row, provider, "the process submitting it stopped");
          return;
        }
        if (
          await this.ctx.store.predictions.transition(row.id, ["submitting"], {
            state: "queued",
            nextCheckAt: now,
          })
        )
          requeued++;
      });
    }
    return requeued;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => {
      this.inFlight.delete(work);
      // An end already wakes every dispatcher (engine-parts.ts); this wake is for queued work the
      // last pass found no room for, which may have some now. Otherwise ~1 pass per submit is wasted.
      if (this.waitingForRoom) this.loop.wake();
    });
  }

  private async submit(provider: Provider, row: StoredPrediction): Promise<void> {
    try {
      const found = row.attempts > 1 && canFind(provider, row) ? await this.findStarted(provider, row) : null;
      // The run this prediction left behind when it fell back to another target is no work to adopt.
      const adopted = found && found.upstreamId !== row.upstreamId ? found : null;
      const started: StartResult = adopted ?? (await this.startUpstream(provider, row));
      if (started.upstreamBudget) await this.bucketOf(provider).observe(started.upstreamBudget);
      if (adopted) this.ctx.logger.info({ prediction: row.id }, "adopted work started before a restart");
      const inHand = statusInHand(row, started);
      const now = Date.now();
      const patch = runningPatch(row, started, now, inHand && this.leases.end(now));
      // Should this process stop before the end is written, the start is found again (find), as
      // any start whose answer was lost: a provider that cannot find its work records the run
      // first, as does a prediction whose client asked for a webhook of its start.
      if (inHand?.state === "succeeded" && canFind(provider, row) && !wantsWebhook(row, "start")) {
        await this.onSucceededAtStart(row, patch, inHand);
        return;
      }
      const running = await this.updater.update(row, ["submitting"], patch);
      if (running) await this.onRunning(running, provider, inHand);
    } catch (error) {
      await this.handleStartError(provider, row, GatewayError.from(error));
    }
  }

  private findStarted(provider: Provider, row: StoredPrediction): Promise<StartResult | null> {
    const ctx = this.ctx.providerContext(row.tokenId);
    if (row.destination) return trainingOf(provider).findTraining(row.id, ctx);
    return provider.find?.(row.id, ctx) ?? Promise.resolve(null);
  }

  private startUpstream(provider: Provider, row: StoredPrediction): Promise<StartResult> {
    const ctx = this.ctx.providerContext(row.tokenId);
    if (row.destination) {
      const webhookUrl = webhookUrlOf(this.ctx, provider);
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
    return provider.start(startRequestOf(this.ctx, provider, row), ctx);
  }

  private async handleStartError(
    provider: Provider,
    row: StoredPrediction,
    error: GatewayError,
  ): Promise<void> {
    reportMisconfiguration(this.ctx.logger, error, { prediction: row.id, provider: provider.id });
    if (error.outcomeUnknown && !canFind(provider, row)) {
      await this.unconfirmed.park(row, provider, error.message);
      return;
    }
    if (error.code === "rate_limited")
      await this.bucketOf(provider).throttled(error.retryAfterMs ?? 1_000, error.statedLimit);
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

/** Whether work this row's earlier submit may have started can be looked up at `provider`. */
function canFind(provider: Provider, row: StoredPrediction): boolean {
  return Boolean(row.destination) || provider.find !== undefined;
}
