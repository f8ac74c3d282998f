/** Every timer the fake sets, unref'd and cleared on reset/close so none keeps the process alive. */
export class Timers {
  readonly #pending = new Set<NodeJS.Timeout>();

  after(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(
      () => {
        this.#pending.delete(timer);
        run();
      },
      Math.max(0, ms),
    );
    timer.unref();
    this.#pending.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#pending.delete(timer);
  }

  clear(): void {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
  }
}
