/**
 * What the providers of a process are built with: their journals and leases in gengate's database,
 * and the rate budgets and locks of the database in use (cluster/process-state.ts).
 */
import type { ProviderEnvironment } from "../providers/provider.ts";
import type { Store } from "../store/index.ts";
import type { Limits } from "./cluster/process-state.ts";

export function providerEnvironment(
  store: Store,
  limits: Limits,
  process: Pick<ProviderEnvironment, "dataDir" | "logger">,
): ProviderEnvironment {
  return {
    ...process,
    journals: store.providerJournals,
    leases: store.workLeases,
    limiter: limits.limiter,
    locks: limits.locks,
  };
}
