/**
 * The providers with each call upstream counted by provider, operation and outcome, without the
 * providers knowing (see watched-providers.ts).
 */
import { GatewayError } from "../core/errors.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import type { EngineMetrics } from "./engine-metrics.ts";
import { watchedProviders } from "./watched-providers.ts";

export function meteredProviders(registry: ProviderRegistry, metrics: EngineMetrics): ProviderRegistry {
  return watchedProviders(registry, (provider, operation) => ({
    run: (call) => call(),
    ok: () => metrics.upstreamCall(provider.id, operation, "ok"),
    failed: (error) => metrics.upstreamCall(provider.id, operation, GatewayError.from(error).code),
  }));
}
