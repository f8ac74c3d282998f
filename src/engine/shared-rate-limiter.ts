/**
 * Rate budgets kept in PostgreSQL for every process of a queue-mode deployment: each take is one
 * statement on the database's clock (store/shared-limits-repo.ts).
 */
import type { RateBucket, RateLimiter } from "../core/rate-limiter.ts";
import type { SharedLimitsRepo } from "../store/shared-limits-repo.ts";

export class SharedRateLimiter implements RateLimiter {
  private readonly repo: SharedLimitsRepo;

  constructor(repo: SharedLimitsRepo) {
    this.repo = repo;
  }

  bucket(key: string, perMinute: number, burst: number): RateBucket {
    const size = Math.max(1, burst);
    return {
      budget: { perMinute, burst: size },
      take: (count) => this.repo.take(key, perMinute, size, count),
      available: () => this.repo.available(key, perMinute, size),
      pause: (ms) => this.repo.pause(key, perMinute, size, ms),
    };
  }
}
