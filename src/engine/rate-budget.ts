/** A provider's rate budget as `routing.providers.<id>.perMinute` in the configuration overrides it. */

import type { RateBucket } from "../core/rate-limiter.ts";
import type { Provider, RateLimitBudget } from "../providers/provider.ts";
import type { EngineContext } from "./engine-context.ts";

export function overriddenBudget(budget: RateLimitBudget, perMinute: number | undefined): RateLimitBudget {
  if (perMinute === undefined) return budget;
  // The burst stays the same number of seconds' worth of starts, at the new rate.
  const burst = Math.max(1, Math.floor((budget.burst * perMinute) / budget.perMinute));
  return { ...budget, perMinute, burst };
}

/** The bucket the provider's starts take from, as the configuration may override its budget. */
export function startBudgetOf(ctx: EngineContext, provider: Provider): RateBucket {
  const override = ctx.catalog.routing.providers[provider.id]?.perMinute;
  const { bucket, perMinute, burst } = overriddenBudget(provider.rateLimit, override);
  return ctx.limiter.bucket(bucket, perMinute, burst);
}
