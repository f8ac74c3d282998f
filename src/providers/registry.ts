import { ConfigError } from "../core/env-config.ts";
import { GatewayError } from "../core/errors.ts";
import { formatModelRef, type ModelRef } from "../core/model-ref.ts";
import { DEFAULT_CONFIG_FILE, type FileConfig } from "../file-config.ts";
import { createFalProvider } from "./fal/index.ts";
import { createLocalProvider } from "./local/index.ts";
import { createOpenAiCompatibleProvider } from "./openai-compatible/index.ts";
import {
  type ModelDescriptor,
  type Provider,
  type ProviderDeps,
  type ProviderEnvironment,
  SPECIFICATION_VERSION,
} from "./provider.ts";
import { createReplicateProvider } from "./replicate/index.ts";
import { createRunpodProvider } from "./runpod/index.ts";
import { createSimProvider } from "./sim/index.ts";

type ProviderFactory = (env: Record<string, string | undefined>, deps: ProviderDeps) => Provider | null;

/**
 * Every provider gengate knows, by id, in the order models are looked up; a factory returns null
 * when its provider is not configured.
 */
const FACTORIES: Record<string, ProviderFactory> = {
  sim: createSimProvider,
  local: createLocalProvider,
  runpod: createRunpodProvider,
  fal: createFalProvider,
  "openai-compatible": createOpenAiCompatibleProvider,
  replicate: createReplicateProvider,
};

export const PROVIDER_IDS = Object.keys(FACTORIES);

export interface ResolvedModel {
  provider: Provider;
  model: ModelDescriptor;
}

export class ProviderRegistry {
  private readonly providers: Map<string, Provider>;

  constructor(providers: Provider[]) {
    for (const { id, specificationVersion } of providers)
      if (specificationVersion !== SPECIFICATION_VERSION)
        throw new ConfigError(
          `provider ${id} implements provider interface ${String(specificationVersion)}; this gengate speaks ${SPECIFICATION_VERSION} (src/providers/provider.ts)`,
        );
    this.providers = new Map(providers.map((provider) => [provider.id, provider]));
  }

  all(): Provider[] {
    return [...this.providers.values()];
  }

  get(id: string): Provider {
    const provider = this.providers.get(id);
    if (!provider)
      throw new GatewayError("internal", `provider "${id}" is not configured`, { retryable: false });
    return provider;
  }

  async listModels(): Promise<ResolvedModel[]> {
    const lists = await Promise.all(
      this.all().map(async (provider) => (await provider.listModels()).map((model) => ({ provider, model }))),
    );
    return lists.flat();
  }

  async resolve(ref: ModelRef): Promise<ResolvedModel> {
    for (const provider of this.all()) {
      const model = await provider.getModel(ref);
      if (model) return { provider, model };
    }
    throw new GatewayError("not_found", `model ${formatModelRef(ref)} not found`);
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((provider) => provider.close?.()));
  }
}

export function createProviders(
  env: Record<string, string | undefined>,
  deps: ProviderEnvironment,
  fileConfig: FileConfig,
): ProviderRegistry {
  const configFile = fileConfig.path ?? DEFAULT_CONFIG_FILE;
  const unknown = Object.keys(fileConfig.providers).filter((id) => !(id in FACTORIES));
  if (unknown.length > 0) {
    const known = PROVIDER_IDS.join(", ");
    throw new ConfigError(
      `${configFile}: providers.${unknown[0]}: unknown provider; known providers are ${known}`,
    );
  }
  const providers = PROVIDER_IDS.map((id) => createProvider(id, env, deps, fileConfig));
  return new ProviderRegistry(providers.filter((p) => p !== null));
}

/** The provider `id` as `env` and the configuration file set it up, or null when they leave it off. */
export function createProvider(
  id: string,
  env: Record<string, string | undefined>,
  { journals, ...deps }: ProviderEnvironment,
  fileConfig: FileConfig,
): Provider | null {
  const create = FACTORIES[id];
  if (!create)
    throw new ConfigError(`unknown provider ${id}; known providers are ${PROVIDER_IDS.join(", ")}`);
  const configFile = fileConfig.path ?? DEFAULT_CONFIG_FILE;
  return create(env, { ...deps, journal: journals.for(id), settings: fileConfig.providers[id], configFile });
}
