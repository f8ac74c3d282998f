/**
 * Runs a user's task once they have been quiet for a moment: the photos of an album arrive as
 * separate updates, so the "N photos so far" answer waits until the last one is in.
 */
export class QuietTimers {
  readonly #quietMs: number;
  readonly #timers = new Map<number, NodeJS.Timeout>();
  readonly #onError: (error: unknown) => void;

  constructor(quietMs: number, onError: (error: unknown) => void) {
    this.#quietMs = quietMs;
    this.#onError = onError;
  }

  /** Runs `task` after the quiet time, unless another task for `userId` comes first and replaces it. */
  after(userId: number, task: () => Promise<unknown>): void {
    clearTimeout(this.#timers.get(userId));
    const timer = setTimeout(() => {
      this.#timers.delete(userId);
      task().catch(this.#onError);
    }, this.#quietMs);
    this.#timers.set(userId, timer);
  }

  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
