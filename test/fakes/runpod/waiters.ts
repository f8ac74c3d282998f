/** Requests waiting for a job to end (`/runsync`, `/status-sync`). */
import type { Timers } from "./timers.ts";

export class Waiters {
  readonly #waiting = new Map<string, Array<() => void>>();
  readonly #timers: Timers;

  constructor(timers: Timers) {
    this.#timers = timers;
  }

  /** Resolves on wake(id) or after `ms`. */
  wait(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.#timers.after(ms, resolve);
      const list = this.#waiting.get(id) ?? [];
      list.push(() => {
        this.#timers.cancel(timer);
        resolve();
      });
      this.#waiting.set(id, list);
    });
  }

  wake(id: string): void {
    for (const wake of this.#waiting.get(id) ?? []) wake();
    this.#waiting.delete(id);
  }
}
