/** The engine's public face: submit, read, cancel and wait for predictions; start and stop the loops. */

import { GatewayError } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import type { ModelRef } from "../core/model-ref.ts";
import { isTerminal, type Prediction, type WebhookEvent } from "../core/prediction.ts";
import type { Provider } from "../providers/provider.ts";
import { trainingOf } from "../providers/training-of.ts";
import type { ListPredictionsOptions } from "../store/index.ts";
import { BatchService } from "./batches.ts";
import { Dispatcher } from "./dispatcher.ts";
import type { EngineContext } from "./engine-context.ts";
import { FileInputs } from "./file-inputs.ts";
import { Gallery } from "./gallery.ts";
import { ModelResolver, type Resolved } from "./model-resolver.ts";
import { PredictionUpdater } from "./prediction-updater.ts";
import { checkProviders, type ProviderCheckResult } from "./provider-checks.ts";
import { type ProviderState, providerStates } from "./provider-states.ts";
import { Reconciler } from "./reconciler.ts";
import { Router } from "./router.ts";
import { RowGuard } from "./row-guard.ts";
import { type LiveTokens, pumpStream } from "./stream-pump.ts";
import { LoraRunner } from "./training/lora-runner.ts";
import { LoraService } from "./training/lora-service.ts";
import { UnconfirmedStarts } from "./unconfirmed-starts.ts";
import type { Uploads } from "./uploads.ts";
import { WebhookSender } from "./webhook-sender.ts";

const CANCEL_WAIT_MS = 10_000;
/** After a restart, terminal webhooks that never got queued are sent if the prediction ended this recently. */
const MISSED_WEBHOOK_WINDOW_MS = 3_600_000;

export interface SubmitRequest {
  model: string | ModelRef;
  input: Record<string, unknown>;
  webhook?: string;
  webhookEventsFilter?: WebhookEvent[];
  tokenId?: string;
  deadlineAt?: number;
  priority?: number;
  batchId?: string;
  /** Input fields sent only when the model takes them (a batch's name template fields); else left out. */
  sendIfTaken?: readonly string[];
  /** How long its data is kept once it ends, when the client chose; else the gateway's default. */
  retentionMs?: number;
}

export interface TrainingSubmitRequest extends Omit<SubmitRequest, "model" | "batchId" | "priority"> {
  /** The trainer, as a model reference (`owner/name` or `owner/name:version`). */
  trainer: string;
  /** `owner/name` of the model that receives the trained version. */
  destination: string;
}

/** Which predictions to list, in which order, and from where. */
export type ListRequest = ListPredictionsOptions;

export class Engine {
  readonly ctx: EngineContext;
  private readonly webhooks: WebhookSender;
  private readonly updater: PredictionUpdater;
  private readonly reconciler: Reconciler;
  private readonly dispatcher: Dispatcher;
  private readonly unconfirmed: UnconfirmedStarts;
  private readonly router: Router;
  private readonly resolver: ModelResolver;
  readonly batches: BatchService;
  readonly loras: LoraService;
  readonly gallery: Gallery;
  readonly uploads: Uploads;
  private readonly fileInputs: FileInputs;
  private readonly loraRunner: LoraRunner;
  private readonly pumps = new Set<Promise<void>>();
  private readonly liveTokens: LiveTokens = new Map();
  private readonly stopping = new AbortController();

  constructor(ctx: EngineContext) {
    this.ctx = ctx;
    this.uploads = ctx.uploads;
    this.fileInputs = new FileInputs(ctx.uploads, ctx.baseUrl);
    this.webhooks = new WebhookSender(ctx);
    this.updater = new PredictionUpdater(ctx, this.webhooks, (before, after) => {
      // An ended prediction frees a place at its provider (and in its batch) for a queued one.
      if (isTerminal(after.state)) this.dispatcher.wake();
      return this.batches.itemChanged(before, after);
    });
    this.router = new Router(ctx);
    this.resolver = new ModelResolver(ctx, this.router);
    this.reconciler = new Reconciler(ctx, this.updater, this.router, () => this.dispatcher.wake());
    this.unconfirmed = new UnconfirmedStarts(ctx, this.updater, (row, provider) =>
      this.onRunning(row, provider),
    );
    this.dispatcher = new Dispatcher(ctx, this.updater, this.router, this.unconfirmed, (row, provider) =>
      this.onRunning(row, provider),
    );
    this.batches = new BatchService(ctx, {
      prepare: (request) => this.prepare(request),
      storeInputs: (prediction, links) => this.fileInputs.store(prediction, links),
      cancel: (id) => this.cancel(id),
      wakeDispatcher: () => this.dispatcher.wake(),
      webhooks: this.webhooks,
    });
    this.gallery = new Gallery(ctx.store);
    this.loras = new LoraService(ctx, {
      prepareTraining: (request) => this.prepareTraining(request),
      cancel: (id) => this.cancel(id),
      wakeRunner: () => this.loraRunner.wake(),
      webhooks: this.webhooks,
    });
    this.loraRunner = new LoraRunner(ctx, {
      prepare: (request) => this.prepare(request),
      prepareTraining: (request) => this.prepareTraining(request),
      wakeDispatcher: () => this.dispatcher.wake(),
      ended: (lora) => this.loras.ended(lora),
    });
  }

  /** Starts the loops. `recover` re-arms work a previous process left mid-flight (embedded mode). */
  async start({ recover }: { recover: boolean }): Promise<void> {
    if (recover) await this.recover();
    this.uploads.start();
    this.webhooks.start();
    this.reconciler.start();
    this.dispatcher.start();
    this.loraRunner.start();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.pumps);
    await this.loraRunner.stop();
    await this.dispatcher.stop();
    await this.reconciler.stop();
    await this.webhooks.stop();
    await this.uploads.stop();
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
    await this.webhooks.pass();
    await this.uploads.pass();
    await Promise.all(this.pumps);
  }

  async submit(request: SubmitRequest): Promise<Prediction> {
    const { prediction } = await this.fileInputs.store(await this.prepare(request));
    await this.ctx.store.predictions.insert(prediction);
    this.dispatcher.wake();
    return prediction;
  }

  /**
   * A new queued prediction for `request`, validated but not stored yet; its data URLs become
   * uploads only once the whole request is accepted (by `submit`, or a batch's creation).
   */
  async prepare(request: SubmitRequest): Promise<Prediction> {
    const { model, input, tokenId, sendIfTaken } = request;
    const resolved = await this.resolver.resolve(model, input, tokenId, sendIfTaken);
    const prediction = this.queued(request, resolved);
    await this.fileInputs.check(prediction, resolved.fileFields);
    return prediction;
  }

  /** Starts a training of `trainer` into the model `destination` (stored and followed like a prediction). */
  async submitTraining(request: TrainingSubmitRequest): Promise<Prediction> {
    const prepared = await this.prepareTraining(request);
    const provider = this.ctx.providers.get(prepared.provider);
    await trainingOf(provider).checkDestination(
      request.destination,
      this.ctx.providerContext(prepared.tokenId),
    );
    const { prediction: training } = await this.fileInputs.store(prepared);
    await this.ctx.store.predictions.insert(training);
    this.dispatcher.wake();
    return training;
  }

  /** A new queued training for `request`, validated but not stored yet (see `prepare`). */
  async prepareTraining(request: TrainingSubmitRequest): Promise<Prediction> {
    const resolved = await this.resolver.resolveTrainer(request.trainer, request.input);
    const training = {
      ...this.queued(request, resolved),
      providerModel: request.trainer,
      destination: request.destination,
    };
    await this.fileInputs.check(training, resolved.fileFields);
    return training;
  }

  private queued(request: Omit<SubmitRequest, "model">, resolved: Resolved): Prediction {
    const { provider, model, input, route, name, warnings } = resolved;
    const now = Date.now();
    return {
      id: newId(),
      model: name,
      version: model.versionId,
      provider: provider.id,
      providerModel: model.providerModel,
      input,
      output: null,
      logs: "",
      error: null,
      state: "queued",
      upstreamPhase: null,
      operation: null,
      attempts: 0,
      webhook: request.webhook ?? null,
      webhookEventsFilter: request.webhookEventsFilter ?? null,
      tokenId: request.tokenId ?? null,
      createdAt: now,
      startedAt: null,
      completedAt: null,
      nextCheckAt: now,
      deadlineAt: request.deadlineAt ?? null,
      cancelRequestedAt: null,
      metrics: {},
      streaming: model.capabilities.streaming === true && provider.stream !== undefined,
      priority: request.priority ?? 0,
      ...(route && { route }),
      ...(warnings && { warnings }),
      ...(request.batchId && { batchId: request.batchId }),
      ...(request.retentionMs !== undefined && { retentionMs: request.retentionMs }),
    };
  }

  async get(id: string, tokenId?: string): Promise<Prediction> {
    const prediction = await this.ctx.store.predictions.get(id);
    if (!prediction || (tokenId !== undefined && prediction.tokenId !== tokenId)) {
      throw new GatewayError("not_found", `prediction ${id} not found`);
    }
    return prediction;
  }

  list(request: ListRequest): Promise<Prediction[]> {
    return this.ctx.store.predictions.list(request);
  }

  /** Cancels a prediction; work already running upstream is canceled there too. */
  async cancel(id: string, tokenId?: string): Promise<Prediction> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await this.get(id, tokenId);
      if (isTerminal(row.state)) return row;
      if (row.state === "submitting") {
        // The start call is in flight: let it finish, then cancel what it started.
        await this.ctx.store.predictions.transition(id, ["submitting"], { cancelRequestedAt: Date.now() });
        await this.waitUntil(id, (p) => p.state !== "submitting", CANCEL_WAIT_MS);
        continue;
      }
      const ended = await this.cancelFrom(row);
      if (ended) return ended;
    }
    return this.get(id, tokenId);
  }

  /** Ends a prediction that is not being submitted as canceled; null if it moved on meanwhile. */
  private cancelFrom(row: Prediction): Promise<Prediction | null> {
    switch (row.state) {
      case "queued":
        return this.updater.finish(row, ["queued"], "canceled");
      case "unconfirmed":
        return this.unconfirmed.cancel(row);
      default:
        return this.reconciler.cancelRunning(row, this.ctx.providers.get(row.provider));
    }
  }

  /** Resolves with the prediction once it is terminal, or as it is when `timeoutMs` runs out. */
  waitFor(id: string, timeoutMs: number): Promise<Prediction> {
    return this.waitUntil(id, (p) => isTerminal(p.state), timeoutMs);
  }

  private async waitUntil(
    id: string,
    done: (p: Prediction) => boolean,
    timeoutMs: number,
  ): Promise<Prediction> {
    let resolveEnd: (prediction: Prediction) => void = () => {};
    const ended = new Promise<Prediction>((resolve) => {
      resolveEnd = resolve;
    });
    const unsubscribe = this.ctx.events.subscribe(id, (event) => {
      if (event.type === "update" && done(event.prediction)) resolveEnd(event.prediction);
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const current = await this.get(id);
      if (done(current)) return current;
      const timedOut = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      });
      return (await Promise.race([ended, timedOut])) ?? (await this.get(id));
    } finally {
      clearTimeout(timer);
      unsubscribe();
    }
  }

  /** The tokens streamed so far of a prediction this process is streaming, to catch up a late listener. */
  tokensSoFar(id: string): readonly string[] | undefined {
    return this.liveTokens.get(id);
  }

  /** Each configured provider's connection test, with this process's configuration. */
  checkProviders(): Promise<ProviderCheckResult[]> {
    return checkProviders(this.ctx.providers);
  }

  /** Each configured provider's work in flight, start budget and circuits, as this process sees them. */
  providerStates(): Promise<ProviderState[]> {
    return providerStates(this.ctx);
  }

  /** The secret outbound webhooks of `tokenId`'s work are signed with. */
  webhookSecret(tokenId: string): Promise<string> {
    return this.webhooks.secret(tokenId);
  }

  /** An inbound provider webhook: verified, matched to its prediction, applied if it moves it forward. */
  async receiveWebhook(providerId: string, request: Request, rawBody: string): Promise<void> {
    const provider = this.ctx.providers.all().find((p) => p.id === providerId);
    if (!provider?.webhook) throw new GatewayError("not_found", `no webhooks for provider ${providerId}`);
    if (!(await provider.webhook.verify(request, rawBody))) {
      throw new GatewayError("unauthenticated", "webhook signature is not valid");
    }
    const { upstreamId, predictionId, submitId, update } = await provider.webhook.parse(request, rawBody);
    const row = predictionId
      ? await this.ctx.store.predictions.get(predictionId)
      : await this.ctx.store.predictions.findByUpstreamId(provider.id, upstreamId);
    if (!row || row.provider !== provider.id)
      throw new GatewayError("not_found", "no prediction for this webhook");
    // The webhook names the work of the submit being made or whose answer was lost: it is adopted.
    const ofThisSubmit = submitId !== undefined && submitId === row.submitId;
    if (ofThisSubmit && (row.state === "submitting" || row.state === "unconfirmed")) {
      const adopted = await this.unconfirmed.adopt(row, provider, upstreamId);
      if (adopted) {
        await this.reconciler.apply(adopted, update);
        return;
      }
    }
    if (row.state === "queued" || row.state === "submitting" || row.state === "unconfirmed") {
      // The start has not been recorded yet: ask the provider to send it again later.
      throw new GatewayError("conflict", "prediction is not running yet; retry later");
    }
    // A webhook about other upstream work for the same prediction (an earlier attempt) changes nothing.
    if (row.state === "running" && row.upstreamId === upstreamId) await this.reconciler.apply(row, update);
  }

  private onRunning(row: Prediction, provider: Provider): void {
    if (!row.streaming) {
      this.reconciler.wakeAt(row.nextCheckAt);
      return;
    }
    const pump = pumpStream(
      this.ctx,
      this.updater,
      row,
      provider,
      this.stopping.signal,
      this.liveTokens,
    ).finally(() => {
      this.pumps.delete(pump);
      this.reconciler.wake();
    });
    this.pumps.add(pump);
  }

  private async recover(): Promise<void> {
    const all = Number.MAX_SAFE_INTEGER;
    const now = Date.now();
    const guard = new RowGuard(this.ctx, this.updater);
    const orphans = await this.ctx.store.predictions.due({
      states: ["submitting", "running"],
      now: all,
      limit: all,
    });
    for (const row of await guard.usable(orphans, "resume")) {
      // A start that may have reached the provider is the dispatcher's to resolve, at once.
      await guard.run(row, "resume", async () => {
        await this.ctx.store.predictions.transition(row.id, [row.state], { nextCheckAt: now });
      });
    }
    if (orphans.length > 0)
      this.ctx.logger.info({ count: orphans.length }, "resuming predictions after restart");
    await this.batches.recover();
    await this.loraRunner.recover();
    const since = now - MISSED_WEBHOOK_WINDOW_MS;
    const unsent = await this.ctx.store.predictions.endedWithoutCompletedWebhook(since, all);
    for (const prediction of unsent) await this.webhooks.notify(prediction, ["completed"]);
  }
}
