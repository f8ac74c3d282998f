/**
 * Rate budgets, one token bucket per key (work sharing an upstream account shares its budget):
 * the engine's start budgets, and a provider's budget for its other requests. Each learns the
 * rate its upstream really allows from the upstream's answers (core/adaptive-limit.ts).
 * `LocalRateLimiter` keeps them in this process's memory; processes sharing PostgreSQL keep them
 * in the database behind the same interface (engine/shared-rate-limiter.ts), so three workers
 * together keep one account's budget and learn its limit once.
 */
import type { StatedLimit } from "./adaptive-limit.ts";
import { type BucketOptions, TokenBucket } from "./token-bucket.ts";

export type { BucketOptions } from "./token-bucket.ts";

/** What an upstream said about its budget when it answered. */
export interface UpstreamBudget {
  /** `ratelimit-remaining`: requests left now. */
  remaining: number;
  /** `ratelimit-reset` in ms: when the budget is whole again. */
  resetMs: number;
  /** How long ago the upstream counted it: when the request was sent (a held create answers late). */
  ageMs: number;
}

export interface RateBucket {
  /** Its configured rate and size (the ceiling of what it learns). */
  readonly budget: { perMinute: number; burst: number };
  /** Takes up to `count` tokens: how many it got, and when fewer, how many ms until the next is there. */
  take(count: number): Promise<{ taken: number; waitMs: number }>;
  /** How many tokens it holds now (negative while paused after an upstream's 429). */
  available(): Promise<number>;
  /**
   * The upstream refused (429): lowers the rate to the limit it stated (`stated`), or
   * halves it, and gives nothing for `retryAfterMs`.
   */
  throttled(retryAfterMs: number, stated?: StatedLimit): Promise<void>;
  /** The upstream said what is left of its budget (see TokenBucket.observe). */
  observe(budget: UpstreamBudget): Promise<void>;
}

export interface RateLimiter {
  bucket(key: string, perMinute: number, burst: number, options?: BucketOptions): RateBucket;
}

export class LocalRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  bucket(key: string, perMinute: number, burst: number, options: BucketOptions = {}): RateBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(perMinute, burst, Date.now, options);
      this.buckets.set(key, bucket);
    }
    const local = bucket;
    return {
      budget: local.budget,
      take: async (count) => {
        let taken = 0;
        for (; taken < count; taken++) {
          const waitMs = local.take();
          if (waitMs > 0) return { taken, waitMs };
        }
        return { taken, waitMs: 0 };
      },
      available: async () => local.available(),
      throttled: async (retryAfterMs, stated) => local.throttled(retryAfterMs, stated),
      observe: async (budget) => local.observe(budget),
    };
  }
}
