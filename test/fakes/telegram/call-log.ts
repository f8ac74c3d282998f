/** Every Bot API call the fake received, in order, with its parsed payload and how it was answered. */
import type { Changes } from "./changes.ts";

export interface ApiCall {
  /** The method as the Bot API spells it (`sendPhoto`), whatever case the client used. */
  method: string;
  /** Parameters as received; uploads appear under `uploads` as their file name and size. */
  payload: Record<string, unknown>;
  /** Date.now() when the call arrived. */
  at: number;
  /** HTTP status of the answer; undefined while the call is held (a long poll). */
  status?: number;
  result?: unknown;
  /** Telegram's description of a refused call. */
  error?: string;
  /** True for a call the bot made in its answer to a webhook request. */
  viaWebhookReply?: boolean;
}

export class CallLog {
  readonly #calls: ApiCall[] = [];
  readonly #changes: Changes;

  constructor(changes: Changes) {
    this.#changes = changes;
  }

  start(method: string, payload: Record<string, unknown>, viaWebhookReply = false): ApiCall {
    const call: ApiCall = { method, payload, at: Date.now(), ...(viaWebhookReply && { viaWebhookReply }) };
    this.#calls.push(call);
    this.#changes.notify();
    return call;
  }

  finish(call: ApiCall, status: number, outcome: { result?: unknown; error?: string }): void {
    call.status = status;
    if ("result" in outcome) call.result = outcome.result;
    if (outcome.error !== undefined) call.error = outcome.error;
    this.#changes.notify();
  }

  /** All calls, or those of one method (any case). */
  list(method?: string): ApiCall[] {
    if (method === undefined) return [...this.#calls];
    const wanted = method.toLowerCase();
    return this.#calls.filter((call) => call.method.toLowerCase() === wanted);
  }
}
