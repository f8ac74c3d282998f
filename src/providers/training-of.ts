import { GatewayError } from "../core/errors.ts";
import type { Provider, ProviderTraining } from "./provider.ts";

/** The provider's training support, or a 400 saying it has none. */
export function trainingOf(provider: Provider): ProviderTraining {
  if (!provider.training)
    throw new GatewayError("bad_request", `provider ${provider.id} cannot train models`);
  return provider.training;
}
