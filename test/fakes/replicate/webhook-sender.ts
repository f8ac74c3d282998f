/**
 * Webhooks (reference/replicate.md §4.3, §5): POSTs of the prediction JSON, signed per Standard
 * Webhooks. `output`/`logs` events go at most every 500 ms; only the terminal event is retried,
 * with the same webhook-id; redirects are not followed. Each prediction's first attempts go out
 * in order.
 */
import { sign } from "../../../src/core/webhook-signature.ts";
import type { FaultState } from "./faults.ts";
import { webhookMessageId } from "./ids.ts";
import { isTerminal, type PredictionRecord } from "./prediction-store.ts";
import type { Scheduler } from "./scheduler.ts";
import type { WebhookAttempt, WebhookEvent } from "./types.ts";

const THROTTLE_MS = 500;
const TIMEOUT_MS = 10_000;

export interface WebhookDeps {
  scheduler: Scheduler;
  faults: FaultState;
  attempts: WebhookAttempt[];
  /** The signing key now (Replicate rotates it). */
  key: () => string;
  retryDelaysMs: number[];
  /** The body to send: the record as the API shows it. */
  json: (record: PredictionRecord) => unknown;
}

interface Message {
  url: string;
  id: string;
  body: string;
}

export class WebhookSender {
  readonly #deps: WebhookDeps;
  readonly #lastSentAt = new Map<string, number>();
  readonly #trailing = new Set<string>();
  readonly #queues = new Map<string, Promise<void>>();

  constructor(deps: WebhookDeps) {
    this.#deps = deps;
  }

  handle(record: PredictionRecord, change: WebhookEvent): void {
    if (change === "completed") this.#lastSentAt.delete(record.id);
    if (record.webhook === null || !record.webhookEventsFilter.includes(change)) return;
    if (change === "start" || change === "completed") this.#send(record, change === "completed");
    else this.#throttled(record);
  }

  #throttled(record: PredictionRecord): void {
    const wait = (this.#lastSentAt.get(record.id) ?? 0) + THROTTLE_MS - Date.now();
    if (wait <= 0) {
      this.#lastSentAt.set(record.id, Date.now());
      this.#send(record, false);
      return;
    }
    if (this.#trailing.has(record.id)) return;
    this.#trailing.add(record.id);
    this.#deps.scheduler.after(wait, () => {
      this.#trailing.delete(record.id);
      // The terminal webhook carries the final state anyway.
      if (isTerminal(record.status) && record.webhookEventsFilter.includes("completed")) return;
      this.#lastSentAt.set(record.id, Date.now());
      this.#send(record, false);
    });
  }

  #send(record: PredictionRecord, terminal: boolean): void {
    if (this.#deps.faults.take("drop")) return;
    const copies = this.#deps.faults.take("duplicate") ? 2 : 1;
    const message = {
      url: record.webhook ?? "",
      id: webhookMessageId(),
      body: JSON.stringify(this.#deps.json(record)),
    };
    const queued = (this.#queues.get(record.id) ?? Promise.resolve()).then(() =>
      this.#deliver(message, copies, terminal ? 0 : undefined),
    );
    this.#queues.set(record.id, queued);
    void queued.finally(() => {
      if (this.#queues.get(record.id) === queued) this.#queues.delete(record.id);
    });
  }

  /** Sends `copies` times; when `retry` is set and the last attempt failed, schedules the next one. */
  async #deliver(message: Message, copies: number, retry: number | undefined): Promise<void> {
    let status: number | null = null;
    for (let copy = 0; copy < copies; copy++) status = await this.#attempt(message);
    if (retry === undefined || (status !== null && status >= 200 && status < 300)) return;
    const delay = this.#deps.retryDelaysMs[retry];
    if (delay === undefined) return;
    this.#deps.scheduler.after(delay, () => this.#deliver(message, 1, retry + 1));
  }

  async #attempt({ url, id, body }: Message): Promise<number | null> {
    const at = Date.now();
    const timestamp = Math.floor(at / 1000);
    let status: number | null = null;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Replicate-Webhooks/1.0",
          "webhook-id": id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": sign(this.#deps.key(), id, timestamp, body),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.any([this.#deps.scheduler.signal, AbortSignal.timeout(TIMEOUT_MS)]),
      });
      status = response.status;
      await response.body?.cancel();
    } catch {
      status = null;
    }
    if (!this.#deps.scheduler.closed) this.#deps.attempts.push({ url, webhookId: id, status, at, body });
    return status;
  }
}
