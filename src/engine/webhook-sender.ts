/**
 * Outbound webhooks: one durable delivery row per notification, signed with Standard Webhooks by
 * the key of the token the subject belongs to (so no tenant can sign another's), terminal events
 * retried with backoff under the same `webhook-id`, never following redirects, and sent only to
 * public addresses unless private ones are allowed (the policy of input fetching).
 */
import { GatewayError } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import type { Prediction, WebhookEvent } from "../core/prediction.ts";
import { toReplicateJson } from "../core/replicate-json.ts";
import { newSigningKey, sign, signingSecret } from "../core/webhook-signature.ts";
import type { WebhookDelivery } from "../store/index.ts";
import { type TraceSpan, tracing } from "../tracing/tracing.ts";
import { inStoredTrace } from "../tracing/work-spans.ts";
import type { EngineContext } from "./engine-context.ts";
import { requestPublic } from "./public-fetch.ts";
import { WakeableLoop } from "./wakeable-loop.ts";

const DEFAULT_FILTER: readonly WebhookEvent[] = ["output", "completed"];
const THROTTLED: readonly WebhookEvent[] = ["output", "logs"];
const THROTTLE_MS = 500;
/** Delays before each retry of a terminal event: the last one about a minute after the first try. */
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000];
const REQUEST_TIMEOUT_MS = 10_000;
const BATCH = 32;
/** The one key of deliveries queued before each token had its own. */
const LEGACY_SIGNING_KEY_SETTING = "webhook_signing_key";

/** Whether `prediction`'s client asked for webhooks of `event`. */
export function wantsWebhook(prediction: Prediction, event: WebhookEvent): boolean {
  return prediction.webhook !== null && (prediction.webhookEventsFilter ?? DEFAULT_FILTER).includes(event);
}

export class WebhookSender {
  private readonly ctx: EngineContext;
  private readonly loop: WakeableLoop;
  /** Signing keys by token id ("" for the legacy key). */
  private readonly keys = new Map<string, string>();

  constructor(ctx: EngineContext) {
    this.ctx = ctx;
    this.loop = new WakeableLoop(
      () => this.deliverDue(),
      (error) => ctx.logger.error({ err: error }, "webhook delivery loop failed"),
      { signals: ctx.signals, kind: "webhooks" },
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One delivery of what is due, for a host that runs passes instead of the loop. */
  async pass(): Promise<void> {
    await this.deliverDue();
  }

  /** The secret the webhooks of `tokenId`'s predictions, batches and LoRAs are signed with. */
  async secret(tokenId: string): Promise<string> {
    return signingSecret(await this.signingKey(tokenId));
  }

  async notify(prediction: Prediction, events: WebhookEvent[]): Promise<void> {
    if (!prediction.webhook) return;
    const wanted = events.filter((event) => wantsWebhook(prediction, event));
    const event = wanted.includes("completed") ? "completed" : wanted.includes("start") ? "start" : wanted[0];
    if (!event) return;
    const payload = toReplicateJson(prediction, this.ctx.fileLinks.for(this.ctx.baseUrl()));
    const delivery = this.delivery(
      { id: prediction.id, tokenId: prediction.tokenId },
      event,
      prediction.webhook,
      payload,
    );
    // Decided from the deliveries stored, so the throttle holds whichever process sees the change.
    if (THROTTLED.includes(event)) {
      if (!(await this.ctx.store.webhookDeliveries.insertUnlessRecent(delivery, THROTTLED, THROTTLE_MS)))
        return;
    } else {
      await this.ctx.store.webhookDeliveries.insert(delivery);
    }
    this.ctx.signals.wake("webhooks");
  }

  /**
   * Queues one delivery of `payload` about a prediction, batch or LoRA (signed with its token's
   * key); `completed` ones are retried.
   */
  async enqueue(
    subject: { id: string; tokenId: string | null },
    event: WebhookEvent,
    url: string,
    payload: unknown,
  ): Promise<void> {
    await this.ctx.store.webhookDeliveries.insert(this.delivery(subject, event, url, payload));
    this.ctx.signals.wake("webhooks");
  }

  private delivery(
    subject: { id: string; tokenId: string | null },
    event: WebhookEvent,
    url: string,
    payload: unknown,
  ): WebhookDelivery {
    const now = Date.now();
    const traceParent = tracing().traceparent();
    return {
      id: `msg_${newId()}`,
      subjectId: subject.id,
      tokenId: subject.tokenId,
      event,
      url,
      payload: JSON.stringify(payload),
      state: "pending",
      attempts: 0,
      nextAttemptAt: now,
      lastStatus: null,
      lastError: null,
      createdAt: now,
      ...(traceParent && { traceParent }),
    };
  }

  /** A token's key; subjects of no token, and deliveries older than per-token keys, use the legacy one. */
  private async signingKey(tokenId: string | null): Promise<string> {
    const cached = this.keys.get(tokenId ?? "");
    if (cached) return cached;
    const key =
      tokenId === null
        ? await this.ctx.store.settings.getOrCreate(LEGACY_SIGNING_KEY_SETTING, newSigningKey)
        : await this.ctx.store.tokens.webhookSigningKey(tokenId, newSigningKey);
    this.keys.set(tokenId ?? "", key);
    return key;
  }

  private async deliverDue(): Promise<number> {
    const now = Date.now();
    const due = await this.ctx.store.webhookDeliveries.due(now, BATCH);
    await Promise.all(
      due.map(async (delivery) => {
        try {
          const leaseEnd = now + REQUEST_TIMEOUT_MS * 2;
          if (await this.ctx.store.webhookDeliveries.claim(delivery.id, delivery.nextAttemptAt, leaseEnd)) {
            await inStoredTrace(
              "webhook send",
              delivery,
              { kind: "client", attributes: { "gengate.webhook.event": delivery.event } },
              (span) => this.deliver(delivery, span),
            );
          }
        } catch (error) {
          await this.giveUp(delivery, error);
        }
      }),
    );
    return due.length === BATCH ? 0 : 1_000;
  }

  /** A delivery that cannot be handled is failed, instead of stopping the others at every turn. */
  private async giveUp(delivery: WebhookDelivery, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    this.ctx.logger.error(
      { delivery: delivery.id, err: reason },
      "could not handle a webhook delivery; failing it",
    );
    this.ctx.metrics.webhookAttempt("failed");
    try {
      await this.ctx.store.webhookDeliveries.markAttempt(delivery.id, {
        attempts: delivery.attempts,
        nextAttemptAt: Date.now(),
        lastStatus: null,
        lastError: `gengate could not handle this delivery: ${reason}`,
        state: "failed",
      });
    } catch (cause) {
      this.ctx.logger.error(
        { delivery: delivery.id, err: cause },
        "could not fail a webhook delivery either",
      );
    }
  }

  private async deliver(delivery: WebhookDelivery, span: TraceSpan): Promise<void> {
    const timestamp = Math.floor(Date.now() / 1000);
    const attempts = delivery.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const url = URL.parse(delivery.url);
      if (!url) throw new GatewayError("invalid_input", "the webhook URL is malformed");
      const response = await requestPublic(url, {
        purpose: "webhook",
        allowPrivate: this.ctx.allowPrivateUrls,
        method: "POST",
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: {
          "content-type": "application/json",
          "user-agent": "gengate-webhooks",
          "webhook-id": delivery.id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": sign(
            await this.signingKey(delivery.tokenId),
            delivery.id,
            timestamp,
            delivery.payload,
          ),
        },
        body: delivery.payload,
      });
      status = response.statusCode ?? 0;
      span.setAttribute("http.response.status_code", status);
      response.resume();
      if (status >= 200 && status < 300) {
        await this.ctx.store.webhookDeliveries.markDelivered(delivery.id, status);
        this.ctx.metrics.webhookAttempt("delivered");
        return;
      }
      error = `answered ${status}`;
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    const retryDelay = delivery.event === "completed" ? RETRY_DELAYS_MS[attempts - 1] : undefined;
    await this.ctx.store.webhookDeliveries.markAttempt(delivery.id, {
      attempts,
      nextAttemptAt: Date.now() + (retryDelay ?? 0),
      lastStatus: status,
      lastError: error,
      state: retryDelay === undefined ? "failed" : "pending",
    });
    this.ctx.metrics.webhookAttempt(retryDelay === undefined ? "failed" : "retrying");
    if (retryDelay !== undefined) this.loop.wakeAt(Date.now() + retryDelay);
    this.ctx.logger.warn(
      { delivery: delivery.id, subject: delivery.subjectId, status, attempts },
      "webhook not delivered",
    );
  }
}
