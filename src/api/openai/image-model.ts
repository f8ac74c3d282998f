/**
 * What an image request's `model` names, and what it can take. An alias can do what any of its
 * targets can (fallbacks included): the router picks one that serves the request. Its optional
 * parameters are those of its first target, the one that serves it when all is well; a provider's
 * model is described by its own input schema.
 */
import type { Catalog, CatalogEntry } from "../../catalog/catalog.ts";
import { loraNameOf } from "../../core/lora.ts";
import type { TargetCapabilities } from "../../core/route.ts";
import type { Engine } from "../../engine/engine.ts";
import type { JsonSchema, ModelDescriptor } from "../../providers/provider.ts";
import { aliasNamed, engineModelOf, firstTargetModel, providerModelNamed } from "./models.ts";
import { paramError } from "./openai-error.ts";

export type ImageCapabilities = Pick<TargetCapabilities, "referenceImage" | "mask" | "maxOutputs">;

export interface ImageModel {
  /** As the client named it. */
  name: string;
  /** As engine.submit takes it. */
  ref: string;
  /** Undefined when gengate cannot tell before running it (a LoRA). */
  capabilities: ImageCapabilities | undefined;
  /** The name under which the model takes gengate's parameter `name`. */
  nameOf(name: string): string;
  /** The schema of gengate's parameter `name` in the model's input, if it takes it. */
  property(name: string): JsonSchema | undefined;
}

/** Names a provider's model may give gengate's parameters; each parameter's own name otherwise. */
const MODEL_NAMES: Record<string, string[]> = {
  steps: ["num_inference_steps", "steps"],
  reference_image: ["image", "input_image"],
};

export async function imageModelOf(name: string, engine: Engine): Promise<ImageModel> {
  const { catalog, providers } = engine;
  const ref = engineModelOf(name, catalog);
  const alias = aliasNamed(name, catalog);
  if (alias) {
    if (alias.targets.every((target) => target.capabilities.streaming)) throw makesText(name);
    return aliasModel(name, ref, alias, catalog, await firstTargetModel(alias, engine));
  }
  if (loraNameOf(name) !== undefined) {
    return { name, ref, capabilities: undefined, nameOf: (param) => param, property: () => undefined };
  }
  const model = await providerModelNamed(name, providers);
  // Refused before a prediction is made: it would run, and answer with no image.
  if (model.capabilities.streaming) throw makesText(name);
  const properties = propertiesOf(model);
  const nameOf = (param: string) =>
    (MODEL_NAMES[param] ?? [param]).find((candidate) => candidate in properties) ?? param;
  return {
    name,
    ref,
    capabilities: model.capabilities,
    nameOf,
    property: (param) => properties[nameOf(param)],
  };
}

const makesText = (name: string) => paramError("model", `The model '${name}' generates text, not images`);

function aliasModel(
  name: string,
  ref: string,
  alias: CatalogEntry,
  catalog: Catalog,
  first: ModelDescriptor | null,
): ImageModel {
  const targets = chainOf(alias, catalog).flatMap((entry) => entry.targets);
  const limits = targets.map((target) => target.capabilities.maxOutputs);
  const capabilities: ImageCapabilities = {
    referenceImage: targets.some((target) => target.capabilities.referenceImage),
    mask: targets.some((target) => target.capabilities.mask),
    // unlimited when any target is
    ...(limits.every((limit) => limit !== undefined) && { maxOutputs: Math.max(...limits) }),
  };
  const params: Record<string, string | null> = alias.targets[0]?.params ?? {};
  const properties = first ? propertiesOf(first) : {};
  const property = (param: string) => {
    const own = param in params ? params[param] : param;
    return own ? properties[own] : undefined;
  };
  // The router renames parameters for each target.
  return { name, ref, capabilities, nameOf: (param) => param, property };
}

function chainOf(alias: CatalogEntry, catalog: Catalog): CatalogEntry[] {
  const chain: CatalogEntry[] = [];
  for (let entry: CatalogEntry | undefined = alias; entry; ) {
    chain.push(entry);
    entry = entry.fallback === undefined ? undefined : catalog.get(entry.fallback);
  }
  return chain;
}

/** The model of an alias's first target, or null when its provider is not configured or does not answer. */
function propertiesOf(model: ModelDescriptor): Record<string, JsonSchema> {
  const properties = model.inputSchema.properties;
  return typeof properties === "object" && properties !== null
    ? (properties as Record<string, JsonSchema>)
    : {};
}
