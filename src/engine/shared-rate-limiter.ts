/**
 * Rate budgets kept in PostgreSQL for every process of a queue-mode deployment: each take is one
 * statement on the database's clock, and what one process learns of an upstream's limit every
 * process uses (store/shared-limits-repo.ts).
 */
import type { BucketOptions, RateBucket, RateLimiter } from "../core/rate-limiter.ts";
import type { SharedLimitsRepo } from "../store/shared-limits-repo.ts";

export class SharedRateLimiter implements RateLimiter {
  private readonly repo: SharedLimitsRepo;

  constructor(repo: SharedLimitsRepo) {
    this.repo = repo;
  }

  bucket(key: string, perMinute: number, burst: number, options: BucketOptions = {}): RateBucket {
    const shared = { key, perMinute, burst: Math.max(1, burst), probe: options.probe ?? false };
    return {
      budget: { perMinute, burst: shared.burst },
      take: (count) => this.repo.take(shared, count),
      available: () => this.repo.available(shared),
      throttled: (retryAfterMs, stated) => this.repo.throttled(shared, retryAfterMs, stated),
      observe: (budget) => this.repo.observe(shared, budget),
    };
  }
}
