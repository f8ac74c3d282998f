/**
 * Rate budgets, one token bucket per key (work sharing an upstream account shares its budget):
 * the engine's start budgets, and a provider's budget for its other requests. `LocalRateLimiter`
 * keeps them in this process's memory; processes sharing PostgreSQL keep them in the database
 * behind the same interface (engine/shared-rate-limiter.ts), so three workers together keep one
 * account's budget.
 */
import { TokenBucket } from "./token-bucket.ts";

export interface RateBucket {
  /** Its rate and size. */
  readonly budget: { perMinute: number; burst: number };
  /** Takes up to `count` tokens: how many it got, and when fewer, how many ms until the next is there. */
  take(count: number): Promise<{ taken: number; waitMs: number }>;
  /** How many tokens it holds now (negative while paused after an upstream's 429). */
  available(): Promise<number>;
  /** Empties the bucket for `ms`, after the upstream said it is over its limit. */
  pause(ms: number): Promise<void>;
}

export interface RateLimiter {
  bucket(key: string, perMinute: number, burst: number): RateBucket;
}

export class LocalRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  bucket(key: string, perMinute: number, burst: number): RateBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(perMinute, burst);
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
      pause: async (ms) => local.pause(ms),
    };
  }
}
