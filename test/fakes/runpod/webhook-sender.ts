/**
 * RunPod's webhook calls: the job object POSTed to the `webhook` URL when the job ends; anything
 * but 200 is retried up to 2 more times with a delay (10 s by default) (reference A.9).
 */
import type { Timers } from "./timers.ts";

export const WEBHOOK_ATTEMPTS = 3;

export interface WebhookDelivery {
  url: string;
  jobId: string;
  attempt: number;
  /** The receiver's HTTP status, or null when it could not be reached. */
  status: number | null;
  body: Record<string, unknown>;
}

export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  readonly #timers: Timers;
  readonly #retryDelayMs: number;
  #abort = new AbortController();

  constructor(timers: Timers, retryDelayMs: number) {
    this.#timers = timers;
    this.#retryDelayMs = retryDelayMs;
  }

  send(url: string, body: Record<string, unknown>): void {
    void this.#attempt(url, body, 1, this.#abort.signal);
  }

  /** Stops retries and drops calls in flight. */
  reset(): void {
    this.#abort.abort();
    this.#abort = new AbortController();
    this.deliveries.length = 0;
  }

  async #attempt(url: string, body: Record<string, unknown>, attempt: number, signal: AbortSignal) {
    let status: number | null = null;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "RunPod-Webhook/fake" },
        body: JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]),
      });
      status = response.status;
      await response.body?.cancel();
    } catch {
      // unreachable receiver: counts as a failed attempt
    }
    if (signal.aborted) return;
    this.deliveries.push({ url, jobId: String(body.id), attempt, status, body });
    if (status !== 200 && attempt < WEBHOOK_ATTEMPTS) {
      this.#timers.after(this.#retryDelayMs, () => void this.#attempt(url, body, attempt + 1, signal));
    }
  }
}
