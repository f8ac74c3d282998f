/** Changes of predictions, for webhooks, SSE streams and `Prefer: wait` requests. */
import type { PredictionRecord } from "./prediction-store.ts";
import type { WebhookEvent } from "./types.ts";

type Listener = (record: PredictionRecord, change: WebhookEvent) => void;

export class PredictionEvents {
  readonly #everything = new Set<Listener>();
  readonly #byId = new Map<string, Set<Listener>>();

  onAny(listener: Listener): void {
    this.#everything.add(listener);
  }

  /** Listens to one prediction; returns the unsubscribe function. */
  on(id: string, listener: Listener): () => void {
    const listeners = this.#byId.get(id) ?? new Set();
    listeners.add(listener);
    this.#byId.set(id, listeners);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#byId.get(id) === listeners) this.#byId.delete(id);
    };
  }

  emit(record: PredictionRecord, change: WebhookEvent): void {
    for (const listener of this.#everything) listener(record, change);
    for (const listener of [...(this.#byId.get(record.id) ?? [])]) listener(record, change);
  }
}
