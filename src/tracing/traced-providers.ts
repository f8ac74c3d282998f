/**
 * A client span around each provider call that reaches an upstream (start, find, status, cancel,
 * stream, training calls), named `<provider> <operation>`, e.g. `replicate start`; the engine's
 * own spans (dispatch, check) are their parents.
 */
import { watchedProviders } from "../engine/watched-providers.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import { tracing } from "./tracing.ts";

export function tracedProviders(registry: ProviderRegistry): ProviderRegistry {
  if (!tracing().enabled) return registry;
  return watchedProviders(registry, (provider, operation) => {
    const span = tracing().start(`${provider.id} ${operation}`, {
      kind: "client",
      attributes: { "gengate.provider": provider.id, "gengate.provider.operation": operation },
    });
    return { run: (call) => span.run(call), ok: () => span.end(), failed: (error) => span.end(error) };
  });
}
