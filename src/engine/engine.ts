/**
 * The API side of the engine: submit, read, list, cancel, wait for and follow predictions, and
 * take in providers' webhooks. It never starts or polls work at a provider: the worker side
 * (engine-worker.ts), in this process or another, is woken to do that.
 */
import type { Catalog } from "../catalog/catalog.ts";
import { GatewayError } from "../core/errors.ts";
import { isTerminal, type Prediction } from "../core/prediction.ts";
import type { RateLimiter } from "../core/rate-limiter.ts";
import type { InputFile } from "../providers/provider.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import { trainingOf } from "../providers/training-of.ts";
import type { BatchService } from "./batches.ts";
import { CreatedModels } from "./created-models.ts";
import type { EngineParts } from "./engine-parts.ts";
import type { PredictionEvent, Unsubscribe } from "./events.ts";
import { Gallery } from "./gallery.ts";
import { readPrediction, waitUntil } from "./prediction-waits.ts";
import { checkProviders, type ProviderCheckResult } from "./provider-checks.ts";
import { type ProviderState, providerStates } from "./provider-states.ts";
import type { ListRequest, SubmitRequest, TrainingSubmitRequest } from "./requests.ts";
import { isOthersModel } from "./trained-model-owners.ts";
import type { LoraService } from "./training/lora-service.ts";
import type { Uploads } from "./uploads.ts";

export class Engine {
  private readonly parts: EngineParts;
  readonly batches: BatchService;
  readonly loras: LoraService;
  readonly gallery: Gallery;
  readonly uploads: Uploads;
  /** Models made through POST /v1/models, and the platform endpoints gengate passes through. */
  readonly models: CreatedModels;

  constructor(parts: EngineParts) {
    this.parts = parts;
    this.batches = parts.batches;
    this.loras = parts.loras;
    this.gallery = new Gallery(parts.ctx.store);
    this.models = new CreatedModels(parts.ctx.store, parts.ctx.providers);
    this.uploads = parts.ctx.uploads;
  }

  /** Model aliases, routing and pricing. */
  get catalog(): Catalog {
    return this.parts.ctx.catalog;
  }

  /** Rate budgets, kept across processes when they share PostgreSQL (requests per minute of tokens). */
  get limiter(): RateLimiter {
    return this.parts.ctx.limiter;
  }

  /** The configured providers (for their model lists and descriptions). */
  get providers(): ProviderRegistry {
    return this.parts.ctx.providers;
  }

  async submit(request: SubmitRequest): Promise<Prediction> {
    const { prep } = this.parts;
    const { prediction } = await prep.storeInputs(await prep.prepare(request));
    return this.admit(request, prediction);
  }

  /**
   * `submit`, then `waitFor`: the prediction's events are listened to before its row is stored,
   * so its end cannot pass unseen and the row just stored is not read back.
   */
  async submitAndWait(request: SubmitRequest, timeoutMs: number): Promise<Prediction> {
    const { prep, ctx } = this.parts;
    const { prediction } = await prep.storeInputs(await prep.prepare(request));
    return waitUntil(
      ctx,
      prediction.id,
      (p) => isTerminal(p.state),
      timeoutMs,
      () => this.admit(request, prediction),
    );
  }

  private async admit(request: SubmitRequest, prediction: Prediction): Promise<Prediction> {
    const { ctx, admissions, immediateStarts } = this.parts;
    const { predictions } = ctx.store;
    const started = await immediateStarts.store(prediction, (claim) =>
      admissions.store(request.owner ?? request.tokenId, [prediction], async (db) => {
        if (claim) return predictions.insertClaimedIfFree(prediction, claim.row, claim.concurrency, db);
        await predictions.insert(prediction, db);
        return false;
      }),
    );
    if (!started) ctx.signals.wake("dispatch");
    return prediction;
  }

  /** Starts a training of `trainer` into the model `destination` (stored and followed like a prediction). */
  async submitTraining(request: TrainingSubmitRequest): Promise<Prediction> {
    const { prep, ctx, admissions } = this.parts;
    const caller = { tokenId: request.tokenId ?? null, isAdmin: request.owner?.isAdmin ?? false };
    if (await isOthersModel(ctx.store, request.destination, caller)) {
      throw new GatewayError("not_found", `destination ${request.destination} not found`, {
        invalidFields: [
          { type: "not_found", field: "destination", description: "not a model of this token" },
        ],
      });
    }
    const prepared = await prep.prepareTraining(request);
    const provider = ctx.providers.get(prepared.provider);
    await this.models.checkDestination(request.destination, provider);
    await trainingOf(provider).checkDestination(request.destination, ctx.providerContext(prepared.tokenId));
    const { prediction: training } = await prep.storeInputs(prepared);
    await admissions.store(request.owner ?? request.tokenId, [training], (db) =>
      ctx.store.predictions.insert(training, db),
    );
    ctx.signals.wake("dispatch");
    return training;
  }

  get(id: string, tokenId?: string): Promise<Prediction> {
    return readPrediction(this.parts.ctx, id, tokenId);
  }

  list(request: ListRequest): Promise<Prediction[]> {
    return this.parts.ctx.store.predictions.list(request);
  }

  /** Cancels a prediction; work already running upstream is canceled there too. */
  cancel(id: string, tokenId?: string): Promise<Prediction> {
    return this.parts.cancels.cancel(id, tokenId);
  }

  /** Resolves with the prediction once it is terminal, or as it is when `timeoutMs` runs out. */
  waitFor(id: string, timeoutMs: number): Promise<Prediction> {
    return waitUntil(this.parts.ctx, id, (p) => isTerminal(p.state), timeoutMs);
  }

  /** Events of a prediction (its id) or a batch (`batchChannel(id)`), wherever its work runs. */
  subscribe(channel: string, listener: (event: PredictionEvent) => void): Unsubscribe {
    return this.parts.ctx.events.subscribe(channel, listener);
  }

  /** The tokens streamed so far of a prediction being streamed, to catch up a late listener. */
  tokensSoFar(id: string): readonly string[] | undefined {
    return this.parts.ctx.events.tokensSoFar(id);
  }

  /** Reads an input URL (an upload, a data URL or a public address) as `tokenId` may. */
  readInput(url: string, tokenId: string | null): Promise<InputFile> {
    return this.parts.ctx.providerContext(tokenId).readInput(url);
  }

  /** Each configured provider's connection test, with this process's configuration. */
  checkProviders(): Promise<ProviderCheckResult[]> {
    return checkProviders(this.parts.ctx.providers);
  }

  /** Each configured provider's work in flight, start budget and circuits. */
  providerStates(): Promise<ProviderState[]> {
    return providerStates(this.parts.ctx);
  }

  /** The secret outbound webhooks of `tokenId`'s work are signed with. */
  webhookSecret(tokenId: string): Promise<string> {
    return this.parts.webhooks.secret(tokenId);
  }

  /** An inbound provider webhook: verified, matched to its prediction, applied if it moves it forward. */
  async receiveWebhook(providerId: string, request: Request, rawBody: string): Promise<void> {
    const { ctx, unconfirmed, received } = this.parts;
    const provider = ctx.providers.all().find((p) => p.id === providerId);
    if (!provider?.webhook) throw new GatewayError("not_found", `no webhooks for provider ${providerId}`);
    if (!(await provider.webhook.verify(request, rawBody))) {
      throw new GatewayError("unauthenticated", "webhook signature is not valid");
    }
    const { upstreamId, predictionId, submitId, update } = await provider.webhook.parse(request, rawBody);
    if (received.endInHand(provider.id, predictionId, update)) return;
    const row = predictionId
      ? await ctx.store.predictions.get(predictionId)
      : await ctx.store.predictions.findByUpstreamId(provider.id, upstreamId);
    if (!row || row.provider !== provider.id)
      throw new GatewayError("not_found", "no prediction for this webhook");
    // The webhook names the work of the submit being made or whose answer was lost: it is adopted.
    const ofThisSubmit = submitId !== undefined && submitId === row.submitId;
    if (ofThisSubmit && (row.state === "submitting" || row.state === "unconfirmed")) {
      const adopted = await unconfirmed.adopt(row, provider, upstreamId);
      if (adopted) {
        await received.receive(adopted, upstreamId, update, request, rawBody);
        return;
      }
    }
    if (row.state === "queued" || row.state === "submitting" || row.state === "unconfirmed") {
      // The start has not been recorded yet: ask the provider to send it again later.
      throw new GatewayError("conflict", "prediction is not running yet; retry later");
    }
    // A webhook about other upstream work for the same prediction (an earlier attempt) changes nothing.
    if (row.state === "running" && row.upstreamId === upstreamId)
      await received.receive(row, upstreamId, update, request, rawBody);
  }
}
