/**
 * A token bucket: `perMinute` tokens a minute, holding at most `burst`, whose rate an upstream's
 * answers lower and let climb back (adaptive-limit.ts).
 */
import {
  type Budget,
  budgetAt,
  firstAnswer,
  type LearnedLimit,
  lowered,
  type StatedLimit,
  unlowered,
} from "./adaptive-limit.ts";
import type { UpstreamBudget } from "./rate-limiter.ts";

export interface BucketOptions {
  /**
   * The upstream says what is left of its budget in its answers: until it first answered, the
   * bucket gives one token at a time, so that a limit lower than the configured one is met by one
   * request, not by a whole burst (the burst is held back, not lost).
   */
  probe?: boolean;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private learned: LearnedLimit | null = null;
  private readonly configured: Budget;
  private readonly probe: boolean;
  private readonly now: () => number;

  constructor(perMinute: number, burst: number, now: () => number = Date.now, options: BucketOptions = {}) {
    this.configured = { perMinute, burst: Math.max(1, burst) };
    this.tokens = this.configured.burst;
    this.probe = options.probe ?? false;
    this.now = now;
    this.updatedAt = now();
  }

  /** Takes one token; returns 0 when taken, else how many ms until one is available. */
  take(): number {
    const usable = this.available();
    if (usable >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - usable) * 60_000) / this.current().perMinute);
  }

  /** How many starts it would allow now (negative while paused after an upstream's 429). */
  available(): number {
    this.refill();
    const held = this.probe && !this.learned ? this.current().burst - 1 : 0;
    return this.tokens - held;
  }

  /** Its configured rate and size. */
  get budget(): Budget {
    return { ...this.configured };
  }

  /** Its rate and size now, as the upstream's answers taught it. */
  current(): Budget {
    return budgetAt(this.configured, this.learned, this.now());
  }

  /**
   * The upstream refused (429): the rate drops to what it stated (or half), and the bucket is
   * empty for `retryAfterMs`.
   */
  throttled(retryAfterMs: number, stated?: StatedLimit): void {
    this.refill();
    const before = this.current().perMinute;
    this.learned = lowered(this.configured, this.learned, this.now(), stated);
    // A pause under way lasts as long at the new rate.
    if (this.tokens < 0) this.tokens *= this.current().perMinute / before;
    this.pause(retryAfterMs);
  }

  /**
   * The upstream said `remaining` requests were left (`ratelimit-remaining`) `ageMs` ago, all of
   * them back in `resetMs` (`ratelimit-reset`): the bucket holds no more whole tokens than that
   * and what refilled since, and at none left, while nothing was refused yet (the rate the
   * upstream allows is not known), it waits for the reset.
   */
  observe({ remaining, resetMs, ageMs }: UpstreamBudget): void {
    this.refill();
    this.learned ??= firstAnswer(this.configured);
    const left = remaining + (ageMs * this.current().perMinute) / 60_000;
    if (this.tokens >= left + 1) this.tokens = Math.floor(left) + (this.tokens - Math.floor(this.tokens));
    if (remaining === 0 && unlowered(this.configured, this.learned, this.now())) this.pause(resetMs - ageMs);
  }

  /** Gives nothing for `ms`, then a token: the upstream said when to try again. */
  private pause(ms: number): void {
    this.tokens = Math.min(this.tokens, 1 - (ms * this.current().perMinute) / 60_000);
  }

  private refill(): void {
    const now = this.now();
    const { perMinute, burst } = this.current();
    this.tokens = Math.min(burst, this.tokens + ((now - this.updatedAt) * perMinute) / 60_000);
    this.updatedAt = now;
  }
}
