/**
 * What each configured provider is doing now: work in flight against its concurrency, its start
 * budget's headroom, and the circuits of the catalog targets it serves. Counts come from the
 * database (every process's work); the budget and circuits are this process's own in embedded
 * mode, and every process's on PostgreSQL.
 */
import { unfinishedCountsOf } from "../store/index.ts";
import type { EngineContext } from "./engine-context.ts";
import { startBudgetOf } from "./rate-budget.ts";

export interface CircuitState {
  /** The catalog target, `<alias>#<index>`. */
  target: string;
  model: string;
  state: "closed" | "open" | "half-open";
}

export interface ProviderState {
  provider: string;
  concurrency: { limit: number; inFlight: number; queued: number };
  rateLimit: { bucket: string; perMinute: number; burst: number; available: number };
  circuits: CircuitState[];
}

export async function providerStates(ctx: EngineContext): Promise<ProviderState[]> {
  const targets = ctx.catalog.routeTargets();
  return Promise.all(
    ctx.providers.all().map(async (provider) => {
      const counts = unfinishedCountsOf(
        await ctx.store.predictions.countUnfinished(provider.id),
        provider.id,
      );
      const bucket = startBudgetOf(ctx, provider);
      const limit = ctx.catalog.routing.providers[provider.id]?.concurrency ?? provider.concurrency;
      return {
        provider: provider.id,
        concurrency: {
          limit,
          // As the dispatcher counts it: unconfirmed work may be running upstream.
          inFlight: counts.submitting + counts.unconfirmed + counts.running,
          queued: counts.queued,
        },
        rateLimit: {
          bucket: provider.rateLimit.bucket,
          ...bucket.budget,
          available: Math.floor(await bucket.available()),
        },
        circuits: await Promise.all(
          targets
            .filter((target) => target.provider === provider.id)
            .map(async (target) => ({
              target: target.key,
              model: target.model,
              state: await ctx.breakers.state(target.key),
            })),
        ),
      };
    }),
  );
}
