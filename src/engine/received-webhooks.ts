/**
 * Provider webhooks, taken in by whichever process serves HTTP. Progress (phase, logs) only
 * changes the row and is applied at once. An end is applied by a worker, since applying it may
 * call the provider (downloading outputs, looking up a fallback target's model): it is kept as
 * received, its prediction made due, and a worker woken, whose reconciler applies it instead of
 * polling. An API process thus never calls a provider, and every role takes the same path.
 */
import type { Prediction } from "../core/prediction.ts";
import type { Provider, StatusResult } from "../providers/provider.ts";
import type { StoredPrediction } from "../store/index.ts";
import type { EngineContext } from "./engine-context.ts";
import type { StatusApplier } from "./status-applier.ts";

export class ReceivedWebhooks {
  private readonly ctx: EngineContext;
  private readonly applier: StatusApplier;
  /** Predictions whose end, told by their start's answer, this process is applying now (their provider's id). */
  private readonly endsInHand = new Map<string, string>();

  constructor(ctx: EngineContext, applier: StatusApplier) {
    this.ctx = ctx;
    this.applier = applier;
  }

  /**
   * Whether `update` is an end of `provider`'s prediction whose end this process is applying
   * already (told by its start's answer). The webhook then changes nothing, so it is neither read
   * against the row nor kept: of the current work it tells that end again, of earlier work it is
   * ignored. Should applying fail, the retried check asks the provider again.
   */
  endInHand(provider: string, predictionId: string | undefined, update: StatusResult): boolean {
    return predictionId !== undefined && isEnd(update) && this.endsInHand.get(predictionId) === provider;
  }

  /** `update`, parsed from `request`, is about `upstreamId`, the running `row`'s current work. */
  async receive(
    row: Prediction,
    upstreamId: string,
    update: StatusResult,
    request: Request,
    rawBody: string,
  ): Promise<void> {
    if (!isEnd(update)) {
      await this.applier.apply(row, update);
      return;
    }
    const { store } = this.ctx;
    await store.receivedWebhooks.record({
      predictionId: row.id,
      upstreamId,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: rawBody,
      receivedAt: Date.now(),
    });
    // This process is applying the end its start's answer told; should that fail, a check takes this one.
    if (this.endsInHand.has(row.id)) return;
    const due = await store.predictions.transition(row.id, ["running"], { nextCheckAt: Date.now() });
    if (!due) {
      // It ended meanwhile: nobody will take the webhook.
      await store.receivedWebhooks.take(row.id);
      return;
    }
    this.ctx.signals.wake("reconcile");
  }

  /**
   * Runs `work`, which applies `status`, the answer of `row`'s start. When that is an end, an end a
   * webhook tells meanwhile is kept but makes no check due, which would apply the end twice.
   */
  async whileApplying<T>(row: Prediction, status: StatusResult, work: () => Promise<T>): Promise<T> {
    if (!isEnd(status)) return work();
    this.endsInHand.set(row.id, row.provider);
    try {
      return await work();
    } finally {
      this.endsInHand.delete(row.id);
    }
  }

  /** For a worker about to check `row`: the update a webhook brought, parsed again, if one waits. */
  async take(row: StoredPrediction, provider: Provider): Promise<StatusResult | undefined> {
    // A provider without webhooks never has one received.
    if (!provider.webhook) return undefined;
    const received = await this.ctx.store.receivedWebhooks.take(row.id);
    if (!received || received.upstreamId !== row.upstreamId) return undefined;
    const request = new Request(received.url, {
      method: "POST",
      headers: received.headers,
      body: received.body,
    });
    try {
      return (await provider.webhook.parse(request, received.body)).update;
    } catch (error) {
      this.ctx.logger.warn(
        { prediction: row.id, err: error },
        "could not read a received webhook again; polling",
      );
      return undefined;
    }
  }
}

function isEnd(status: StatusResult): boolean {
  return status.state !== "starting" && status.state !== "processing";
}
