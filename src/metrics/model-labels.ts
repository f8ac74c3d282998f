/**
 * The `model` label of a prediction, from a set fixed at start so that no client can grow the
 * number of series by naming new models: a catalog alias (`gengate/<alias>`), a model a provider
 * lists or a catalog target names (`owner/name`); anything else (another Replicate model, a
 * LoRA's trained model, a trainer) is `other`.
 */
import { ALIAS_OWNER, type Catalog } from "../catalog/catalog.ts";
import type { ProviderRegistry } from "../providers/registry.ts";

export const OTHER_MODEL = "other";

export class ModelLabels {
  readonly #known: ReadonlySet<string>;

  constructor(known: Iterable<string>) {
    this.#known = new Set(known);
  }

  /** The models of the catalog and of the providers' own lists. */
  static async of(catalog: Catalog, providers: ProviderRegistry): Promise<ModelLabels> {
    const listed = (await providers.listModels()).map(({ model }) => `${model.owner}/${model.name}`);
    const aliases = catalog.list().map((entry) => `${ALIAS_OWNER}/${entry.name}`);
    const targets = catalog.routeTargets().map((target) => withoutVersion(target.model));
    return new ModelLabels([...aliases, ...listed, ...targets]);
  }

  /** `model` (a prediction's `owner/name`, or alias) as a label. */
  of(model: string): string {
    return this.#known.has(model) ? model : OTHER_MODEL;
  }
}

function withoutVersion(ref: string): string {
  const colon = ref.indexOf(":");
  return colon === -1 ? ref : ref.slice(0, colon);
}
