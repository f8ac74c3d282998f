/** Sends each job's webhook when it ends, signed, with a few quick retries (fal retries for hours). */
import type { FalFaults } from "./faults.ts";
import type { FakeJob } from "./jobs.ts";
import type { WebhookSigner } from "./signer.ts";

export interface WebhookDelivery {
  requestId: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The receiver's HTTP status, or null when it could not be reached. */
  status: number | null;
  attempt: number;
}

const ATTEMPTS = 3;
const RETRY_MS = 250;

export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  readonly #signer: WebhookSigner;
  readonly #faults: FalFaults;
  readonly #bodyOf: (job: FakeJob) => Promise<object>;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #stop = new AbortController();

  constructor(signer: WebhookSigner, faults: FalFaults, bodyOf: (job: FakeJob) => Promise<object>) {
    this.#signer = signer;
    this.#faults = faults;
    this.#bodyOf = bodyOf;
  }

  /** (Re)schedules the job's webhook for `at`. */
  schedule(job: FakeJob, at: number): void {
    if (job.webhookUrl === null) return;
    this.#later(job.requestId, at - Date.now(), () => this.#send(job, job.webhookUrl ?? "", 1));
  }

  /** Forgets pending webhooks and past deliveries. */
  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.deliveries.length = 0;
  }

  close(): void {
    this.#stop.abort();
    this.clear();
  }

  #later(requestId: string, delayMs: number, work: () => Promise<void>): void {
    clearTimeout(this.#timers.get(requestId));
    const timer = setTimeout(
      () => {
        this.#timers.delete(requestId);
        void work();
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    this.#timers.set(requestId, timer);
  }

  async #send(job: FakeJob, url: string, attempt: number): Promise<void> {
    if (attempt === 1 && this.#faults.droppedWebhooks > 0) {
      this.#faults.droppedWebhooks -= 1;
      return;
    }
    const body = JSON.stringify(await this.#bodyOf(job));
    const headers = {
      "content-type": "application/json",
      ...this.#signer.headers(job.requestId, body, Math.floor(Date.now() / 1000)),
    };
    const status = await fetch(url, { method: "POST", headers, body, signal: this.#stop.signal }).then(
      async (response) => {
        await response.body?.cancel();
        return response.status;
      },
      () => null,
    );
    if (this.#stop.signal.aborted) return;
    this.deliveries.push({ requestId: job.requestId, url, headers, body, status, attempt });
    const delivered = status !== null && status >= 200 && status < 300;
    if (!delivered && attempt < ATTEMPTS)
      this.#later(job.requestId, RETRY_MS * attempt, () => this.#send(job, url, attempt + 1));
  }
}
