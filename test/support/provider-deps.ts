import type { ProviderDeps } from "../../src/providers/provider.ts";

/** Dependencies for a provider made directly in a test: quiet logger, no configuration file. */
export function providerDeps(dataDir: string, settings?: unknown): ProviderDeps {
  return { dataDir, logger: { info() {}, warn() {} }, settings, configFile: "gengate.config.json" };
}
