/** A provider's rate budget as `routing.providers.<id>.perMinute` in the configuration overrides it. */
import type { RateLimitBudget } from "../providers/provider.ts";

export function overriddenBudget(budget: RateLimitBudget, perMinute: number | undefined): RateLimitBudget {
  if (perMinute === undefined) return budget;
  // The burst stays the same number of seconds' worth of starts, at the new rate.
  const burst = Math.max(1, Math.floor((budget.burst * perMinute) / budget.perMinute));
  return { ...budget, perMinute, burst };
}
