/**
 * Webhook mode: while a webhook is set, queued updates are POSTed to it as JSON one at a time, in
 * order, with `X-Telegram-Bot-Api-Secret-Token`; a non-2xx answer is retried after a delay, and
 * after `maxAttempts` the update is given up, as Telegram does (reference C.4). A JSON answer with
 * a `method` is run as an API call (Telegram's "webhook reply").
 */
import type { Update } from "grammy/types";
import type { Changes } from "./changes.ts";
import type { UpdateQueue } from "./update-queue.ts";

export interface WebhookSettings {
  url: string;
  secretToken?: string;
  maxConnections: number;
}

export interface WebhookAttempt {
  updateId: number;
  url: string;
  /** The receiver's HTTP status, or null when it could not be reached. */
  status: number | null;
  at: number;
}

export interface WebhookTiming {
  retryDelayMs: number;
  maxAttempts: number;
}

export class WebhookSender {
  settings: WebhookSettings | undefined;
  readonly attempts: WebhookAttempt[] = [];
  lastError: { date: number; message: string } | undefined;
  readonly #queue: UpdateQueue;
  readonly #timing: WebhookTiming;
  readonly #changes: Changes;
  readonly #runReply: (body: Record<string, unknown>) => Promise<void>;
  #generation = 0;
  #running = false;
  #stop = new AbortController();

  constructor(
    queue: UpdateQueue,
    timing: WebhookTiming,
    changes: Changes,
    runReply: (body: Record<string, unknown>) => Promise<void>,
  ) {
    this.#queue = queue;
    this.#timing = timing;
    this.#changes = changes;
    this.#runReply = runReply;
    queue.onArrival = () => this.kick();
  }

  set(settings: WebhookSettings | undefined): void {
    this.settings = settings;
    this.lastError = undefined;
    this.#generation += 1;
    this.#stop.abort();
    this.#stop = new AbortController();
    this.#running = false;
    this.kick();
  }

  close(): void {
    this.set(undefined);
  }

  kick(): void {
    if (this.#running || !this.settings) return;
    this.#running = true;
    void this.#deliverAll(this.#generation, this.settings, this.#stop.signal);
  }

  async #deliverAll(generation: number, settings: WebhookSettings, stop: AbortSignal): Promise<void> {
    let failures = 0;
    for (let update = this.#queue.peek(); update; update = this.#queue.peek()) {
      const delivered = await this.#deliver(update, settings, stop);
      if (generation !== this.#generation) return;
      if (delivered) failures = 0;
      else failures += 1;
      if (delivered || failures >= this.#timing.maxAttempts) {
        this.#queue.confirm(update);
        this.#changes.notify();
        failures = 0;
      } else {
        await new Promise((resolve) => setTimeout(resolve, this.#timing.retryDelayMs).unref());
        if (generation !== this.#generation) return;
      }
    }
    this.#running = false;
  }

  async #deliver(update: Update, settings: WebhookSettings, stop: AbortSignal): Promise<boolean> {
    let status: number | null = null;
    let reply: Record<string, unknown> | undefined;
    try {
      const response = await fetch(settings.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(settings.secretToken && { "x-telegram-bot-api-secret-token": settings.secretToken }),
        },
        body: JSON.stringify(update),
        signal: AbortSignal.any([stop, AbortSignal.timeout(60_000)]),
      });
      status = response.status;
      const text = await response.text();
      if (response.ok && (response.headers.get("content-type") ?? "").includes("json"))
        reply = parseReply(text);
      if (!response.ok)
        this.lastError = {
          date: Math.floor(Date.now() / 1000),
          message: `Wrong response from the webhook: ${status} ${response.statusText}`,
        };
    } catch (error) {
      if (stop.aborted) return false;
      this.lastError = {
        date: Math.floor(Date.now() / 1000),
        message: `Connection failed: ${String(error)}`,
      };
    }
    this.attempts.push({ updateId: update.update_id, url: settings.url, status, at: Date.now() });
    this.#changes.notify();
    if (reply) await this.#runReply(reply);
    return status !== null && status >= 200 && status < 300;
  }
}

function parseReply(text: string): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (
      typeof body === "object" &&
      body !== null &&
      typeof (body as { method?: unknown }).method === "string"
    )
      return body as Record<string, unknown>;
  } catch {
    // an answer that is not a method call is only an acknowledgement
  }
  return undefined;
}
