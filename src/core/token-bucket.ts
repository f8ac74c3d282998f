/** A token bucket: `perMinute` tokens a minute, holding at most `burst`. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly ratePerMs: number;
  private readonly burst: number;
  private readonly now: () => number;

  constructor(perMinute: number, burst: number, now: () => number = Date.now) {
    this.ratePerMs = perMinute / 60_000;
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.now = now;
    this.updatedAt = now();
  }

  /** Takes one token; returns 0 when taken, else how many ms until one is available. */
  take(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / this.ratePerMs);
  }

  /** How many starts it would allow now (negative while paused after an upstream's 429). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Its rate and size. */
  get budget(): { perMinute: number; burst: number } {
    return { perMinute: this.ratePerMs * 60_000, burst: this.burst };
  }

  /** Empties the bucket for `ms`, after the upstream said it is over its limit. */
  pause(ms: number): void {
    this.refill();
    this.tokens = Math.min(this.tokens, -ms * this.ratePerMs);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.updatedAt) * this.ratePerMs);
    this.updatedAt = now;
  }
}
