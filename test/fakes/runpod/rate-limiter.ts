/** Sliding-window request counting per endpoint and operation group, answering 429 beyond the limit. */
export class RateLimiter {
  readonly #hits = new Map<string, number[]>();
  readonly #windowMs: number;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  allow(key: string, limit: number, now = Date.now()): boolean {
    const recent = (this.#hits.get(key) ?? []).filter((at) => at > now - this.#windowMs);
    const allowed = recent.length < limit;
    if (allowed) recent.push(now);
    this.#hits.set(key, recent);
    return allowed;
  }

  reset(): void {
    this.#hits.clear();
  }
}
