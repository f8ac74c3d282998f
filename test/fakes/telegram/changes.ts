/** Wakes waiters whenever something happens in the fake (a call arrives or ends, a message changes). */

export class Changes {
  readonly #listeners = new Set<() => void>();

  notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /**
   * Resolves with the first truthy value `probe` gives, checked now and after every change; fails
   * after `timeout` ms, naming `what`.
   */
  waitFor<T>(probe: () => T | undefined | null | false, timeout = 5_000, what = "the condition"): Promise<T> {
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        settle();
      };
      const check = () => {
        try {
          const value = probe();
          if (value) finish(() => resolve(value));
        } catch (error) {
          finish(() => reject(error));
        }
      };
      const timer = setTimeout(
        () =>
          finish(() => reject(new Error(`fake Telegram: timed out after ${timeout} ms waiting for ${what}`))),
        timeout,
      );
      this.#listeners.add(check);
      check();
    });
  }
}
