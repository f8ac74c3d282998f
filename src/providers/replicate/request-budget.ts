/**
 * The budget of the requests that are not creates (polls, cancels, lookups, uploads) under
 * Replicate's per-account limit: one bucket per account, which every provider instance of every
 * process sharing gengate's database takes from (creates are paced by the engine).
 */
import type { RateBucket, RateLimiter } from "../../core/rate-limiter.ts";

export function requestBudget(limiter: RateLimiter, account: string, perMinute: number): RateBucket {
  // A burst of a few seconds' worth, as Replicate allows.
  return limiter.bucket(`replicate:${account}:requests`, perMinute, Math.max(1, Math.floor(perMinute / 20)));
}
