/**
 * The parts both sides of the engine use: preparing requests, changing rows (with their events,
 * webhooks and batch ends), applying provider statuses, cancels, batches and LoRAs. The API side
 * (engine.ts) and the worker side (engine-worker.ts) are built on one set of these.
 */
import { isTerminal } from "../core/prediction.ts";
import { Admissions } from "./admissions.ts";
import { BatchService } from "./batches.ts";
import { Cancels } from "./cancels.ts";
import type { EngineContext } from "./engine-context.ts";
import { ImmediateStarts } from "./immediate-starts.ts";
import { PredictionPrep } from "./prediction-prep.ts";
import { PredictionUpdater } from "./prediction-updater.ts";
import { ReceivedWebhooks } from "./received-webhooks.ts";
import { Router } from "./router.ts";
import { StatusApplier } from "./status-applier.ts";
import { LoraService } from "./training/lora-service.ts";
import { UnconfirmedStarts } from "./unconfirmed-starts.ts";
import { WebhookSender } from "./webhook-sender.ts";

export interface EngineParts {
  ctx: EngineContext;
  router: Router;
  prep: PredictionPrep;
  webhooks: WebhookSender;
  /** Limits and budgets checked as work is stored; holds settled and the ledger written as it ends. */
  admissions: Admissions;
  updater: PredictionUpdater;
  applier: StatusApplier;
  /** Provider webhooks: progress applied at once, ends handed to a worker. */
  received: ReceivedWebhooks;
  unconfirmed: UnconfirmedStarts;
  cancels: Cancels;
  /** New predictions stored claimed and started at once, while this process's worker allows it. */
  immediateStarts: ImmediateStarts;
  batches: BatchService;
  loras: LoraService;
}

export function engineParts(ctx: EngineContext): EngineParts {
  const router = new Router(ctx);
  const prep = new PredictionPrep(ctx, router);
  const webhooks = new WebhookSender(ctx);
  const admissions = new Admissions(ctx, webhooks);
  const updater = new PredictionUpdater(ctx, webhooks, async (before, after) => {
    if (isTerminal(after.state)) {
      // An ended prediction frees a place at its provider (and in its batch) for a queued one.
      ctx.signals.wake("dispatch");
      await admissions.settle(after);
    }
    await batches.itemChanged(before, after);
  });
  const applier = new StatusApplier(ctx, updater, router);
  const received = new ReceivedWebhooks(ctx, applier);
  // Work a webhook named is followed by the reconciler, in whichever worker process.
  const unconfirmed = new UnconfirmedStarts(ctx, updater, () => ctx.signals.wake("reconcile"));
  const cancels = new Cancels(ctx, updater, unconfirmed);
  const batches: BatchService = new BatchService(ctx, {
    prepare: (request) => prep.prepare(request),
    storeInputs: (prediction, links) => prep.storeInputs(prediction, links),
    cancel: (id) => cancels.cancel(id),
    wakeDispatcher: () => ctx.signals.wake("dispatch"),
    webhooks,
    admissions,
  });
  const loras = new LoraService(ctx, {
    prepareTraining: (request) => prep.prepareTraining(request),
    cancel: (id) => cancels.cancel(id),
    wakeRunner: () => ctx.signals.wake("loras"),
    webhooks,
  });
  return {
    ctx,
    router,
    prep,
    webhooks,
    admissions,
    updater,
    applier,
    received,
    unconfirmed,
    cancels,
    immediateStarts: new ImmediateStarts(),
    batches,
    loras,
  };
}
