/**
 * Start budgets, one token bucket per key (providers sharing an upstream account share its
 * budget): in this process's memory for one process, or in the database for every process of a
 * queue-mode deployment, so that three workers together keep one account's budget.
 */
import type { SharedLimitsRepo } from "../store/shared-limits-repo.ts";
import { TokenBucket } from "./token-bucket.ts";

export interface StartBudget {
  /** Its rate and size. */
  readonly budget: { perMinute: number; burst: number };
  /** Takes up to `count` tokens: how many it got, and when fewer, how many ms until the next is there. */
  take(count: number): Promise<{ taken: number; waitMs: number }>;
  /** How many starts it would allow now (negative while paused after an upstream's 429). */
  available(): Promise<number>;
  /** Empties the bucket for `ms`, after the upstream said it is over its limit. */
  pause(ms: number): Promise<void>;
}

export interface RateLimiter {
  bucket(key: string, perMinute: number, burst: number): StartBudget;
}

export class LocalRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  bucket(key: string, perMinute: number, burst: number): StartBudget {
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

export class SharedRateLimiter implements RateLimiter {
  private readonly repo: SharedLimitsRepo;

  constructor(repo: SharedLimitsRepo) {
    this.repo = repo;
  }

  bucket(key: string, perMinute: number, burst: number): StartBudget {
    const size = Math.max(1, burst);
    return {
      budget: { perMinute, burst: size },
      take: (count) => this.repo.take(key, perMinute, size, count),
      available: () => this.repo.available(key, perMinute, size),
      pause: (ms) => this.repo.pause(key, perMinute, size, ms),
    };
  }
}
