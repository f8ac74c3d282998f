/**
 * Every timer the fake sets, so close() can stop them all. Timers are unref'd: they never keep
 * the process alive on their own.
 */
export class Scheduler {
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #owned = new Map<string, Set<NodeJS.Timeout>>();
  readonly #closeCallbacks = new Set<() => void>();
  readonly #stop = new AbortController();

  /** Aborted by close(): pass it to outgoing fetches. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  get closed(): boolean {
    return this.#stop.signal.aborted;
  }

  /** Runs `task` after `ms`; `owner` groups timers for cancelOwned(). Returns a cancel function. */
  after(ms: number, task: () => unknown, owner?: string): () => void {
    if (this.closed) return () => {};
    const timer = setTimeout(
      () => {
        this.#forget(timer, owner);
        Promise.resolve()
          .then(task)
          .catch((error: unknown) => console.error("fake-replicate: scheduled task failed", error));
      },
      Math.max(0, ms),
    );
    timer.unref();
    this.#timers.add(timer);
    if (owner !== undefined) {
      const owned = this.#owned.get(owner) ?? new Set();
      owned.add(timer);
      this.#owned.set(owner, owned);
    }
    return () => {
      clearTimeout(timer);
      this.#forget(timer, owner);
    };
  }

  cancelOwned(owner: string): void {
    for (const timer of this.#owned.get(owner) ?? []) {
      clearTimeout(timer);
      this.#timers.delete(timer);
    }
    this.#owned.delete(owner);
  }

  /** Calls `callback` when the scheduler closes (soon, if it has); returns the unregister function. */
  onClose(callback: () => void): () => void {
    if (this.closed) {
      queueMicrotask(callback);
      return () => {};
    }
    this.#closeCallbacks.add(callback);
    return () => this.#closeCallbacks.delete(callback);
  }

  /** Resolves after `ms`, or at once when the scheduler closes. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        unregister();
        cancel();
        resolve();
      };
      const cancel = this.after(ms, wake);
      const unregister = this.onClose(wake);
    });
  }

  close(): void {
    this.#stop.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#owned.clear();
    for (const callback of [...this.#closeCallbacks]) callback();
    this.#closeCallbacks.clear();
  }

  #forget(timer: NodeJS.Timeout, owner: string | undefined): void {
    this.#timers.delete(timer);
    if (owner === undefined) return;
    const owned = this.#owned.get(owner);
    owned?.delete(timer);
    if (owned?.size === 0) this.#owned.delete(owner);
  }
}
