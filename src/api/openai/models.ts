/**
 * OpenAI's model list: the catalog's aliases under their plain names (`flux-dev`) and the
 * providers' models as `owner/name`, each id exactly what `model` takes in the other endpoints
 * (which also take `gengate/<alias>`, versions and `lora:<name>`).
 */
import { Hono } from "hono";
import { ALIAS_OWNER, type Catalog, type CatalogEntry } from "../../catalog/catalog.ts";
import type { TargetConfig } from "../../catalog/catalog-config.ts";
import { GatewayError } from "../../core/errors.ts";
import { parseModelRef } from "../../core/model-ref.ts";
import type { Engine } from "../../engine/engine.ts";
import { isOthersModel } from "../../engine/trained-model-owners.ts";
import type { ModelDescriptor } from "../../providers/provider.ts";
import type { ProviderRegistry } from "../../providers/registry.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";

/** The catalog alias an OpenAI `model` names (`flux-dev` or `gengate/flux-dev`), if any. */
export function aliasNamed(model: string, catalog: Catalog): CatalogEntry | undefined {
  return catalog.get(model.startsWith(`${ALIAS_OWNER}/`) ? model.slice(ALIAS_OWNER.length + 1) : model);
}

/** The model reference the engine takes for an OpenAI `model`. */
export function engineModelOf(model: string, catalog: Catalog): string {
  const alias = aliasNamed(model, catalog);
  return alias ? `${ALIAS_OWNER}/${alias.name}` : model;
}

/** The provider's model an OpenAI `model` names; a 404 when none does. */
export async function providerModelNamed(id: string, providers: ProviderRegistry): Promise<ModelDescriptor> {
  try {
    return (await providers.resolve(parseModelRef(id, "model"))).model;
  } catch (error) {
    const unknown = error instanceof GatewayError && ["not_found", "invalid_input"].includes(error.code);
    throw unknown ? new GatewayError("not_found", `The model '${id}' does not exist`) : error;
  }
}

/** The model a target runs; null when its provider is not configured or cannot say. */
export async function targetModel(target: TargetConfig, engine: Engine): Promise<ModelDescriptor | null> {
  const provider = engine.providers.all().find((p) => p.id === target.provider);
  if (!provider) return null;
  try {
    return await provider.getModel(parseModelRef(target.model));
  } catch {
    return null;
  }
}

/** The model an alias's first target runs; null when its provider is not configured or cannot say. */
export async function firstTargetModel(alias: CatalogEntry, engine: Engine): Promise<ModelDescriptor | null> {
  const target = alias.targets[0];
  return target ? targetModel(target, engine) : null;
}

/** Every target routing may send an alias's request to: its own, then its fallback chain's (never a cycle). */
export function routableTargets(alias: CatalogEntry, catalog: Catalog): TargetConfig[] {
  const targets = [...alias.targets];
  for (let next = alias.fallback; next !== undefined; ) {
    const entry = catalog.get(next);
    targets.push(...(entry?.targets ?? []));
    next = entry?.fallback;
  }
  return targets;
}

/** Aliases have no creation date. */
const aliasJson = (entry: CatalogEntry) => ({
  id: entry.name,
  object: "model",
  created: 0,
  owned_by: ALIAS_OWNER,
});

const modelJson = (model: ModelDescriptor) => ({
  id: `${model.owner}/${model.name}`,
  object: "model",
  created: Math.floor(Date.parse(model.versionCreatedAt) / 1000),
  owned_by: model.owner,
});

/** A name the configuration maps to a gengate model (`gpt-4o`). */
const mappedJson = (id: string) => ({ id, object: "model", created: 0, owned_by: ALIAS_OWNER });

export function modelListRoutes({ engine, openAiModels, store }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { catalog, providers } = engine;

  app.get("/models", async (c) => {
    const models = await providers.listModels();
    const data = [
      ...openAiModels.entries().map(([name]) => mappedJson(name)),
      ...catalog.list().map(aliasJson),
      ...models.map(({ model }) => modelJson(model)),
    ];
    return c.json({ object: "list", data });
  });

  // Model ids contain slashes, whether the client encodes them or not.
  app.get("/models/:model{.+}", async (c) => {
    const id = c.req.param("model");
    if (openAiModels.resolve(id) !== id) return c.json(mappedJson(id));
    const alias = aliasNamed(id, catalog);
    if (alias) return c.json(aliasJson(alias));
    const model = await providerModelNamed(id, providers);
    const token = c.get("token");
    if (
      await isOthersModel(store, `${model.owner}/${model.name}`, {
        tokenId: token.id,
        isAdmin: token.isAdmin,
      })
    )
      throw new GatewayError("not_found", `The model '${id}' does not exist`);
    return c.json(modelJson(model));
  });

  return app;
}
