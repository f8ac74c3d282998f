/** A provider's rate budget as `routing.providers.<id>.perMinute` in the configuration overrides it. */

import type { RateBucket } from "../core/rate-limiter.ts";
import type { Provider, RateLimitBudget } from "../providers/provider.ts";
import type { EngineContext } from "./engine-context.ts";

const MAX_BURST_SECONDS = 2;

export function overriddenBudget(budget: RateLimitBudget, perMinute: number | undefined): RateLimitBudget {
  if (perMinute === undefined) return budget;
  // A limit the operator set holds in every minute: the burst is at most two seconds' worth of
  // starts (no more seconds' worth than the provider's own), so that a minute that begins with it
  // stays within a start or two of the limit, while a dispatcher that takes its token a little
  // late (the pass before it took some milliseconds) loses nothing of the rate.
  const providerSeconds = (budget.burst * 60) / budget.perMinute;
  const burst = Math.max(1, Math.floor((Math.min(MAX_BURST_SECONDS, providerSeconds) * perMinute) / 60));
  return { ...budget, perMinute, burst };
}

/** The bucket the provider's starts take from, as the configuration may override its budget. */
export function startBudgetOf(ctx: EngineContext, provider: Provider): RateBucket {
  const override = ctx.catalog.routing.providers[provider.id]?.perMinute;
  const { bucket, perMinute, burst, probe } = overriddenBudget(provider.rateLimit, override);
  return ctx.limiter.bucket(bucket, perMinute, burst, { probe: probe ?? false });
}
