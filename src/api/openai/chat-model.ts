/**
 * The model a chat request names: a catalog alias (`llama-3-8b-instruct` or
 * `gengate/llama-3-8b-instruct`) or a model reference, with what gengate needs to build its input.
 */
import { ALIAS_OWNER } from "../../catalog/catalog.ts";
import type { TargetConfig } from "../../catalog/catalog-config.ts";
import { guessPromptFamily, type PromptFamily } from "../../catalog/prompt-templates.ts";
import { GatewayError } from "../../core/errors.ts";
import { loraNameOf } from "../../core/lora.ts";
import { parseModelRef } from "../../core/model-ref.ts";
import type { Engine } from "../../engine/engine.ts";
import type { ModelDescriptor } from "../../providers/provider.ts";

const VERSION_ID = /^[a-f0-9]{64}$/;

export interface ChatModel {
  /** What `engine.submit` is given. */
  ref: string;
  /** The model that serves the request first, when gengate can tell. */
  descriptor: ModelDescriptor | null;
  family: PromptFamily;
  /** An alias's renaming of gengate's parameters for its first target; null for a model reference. */
  params: Record<string, string | null> | null;
}

const modelError = (code: "not_found" | "bad_request", message: string) =>
  new GatewayError(code, message, { invalidFields: [{ type: code, field: "model", description: message }] });

export async function resolveChatModel(engine: Engine, name: string): Promise<ChatModel> {
  const model = await findChatModel(engine, name);
  if (model.descriptor && !model.descriptor.capabilities.streaming)
    throw modelError("bad_request", `The model '${name}' does not generate text`);
  return model;
}

async function findChatModel(engine: Engine, name: string): Promise<ChatModel> {
  const alias = name.startsWith(`${ALIAS_OWNER}/`) ? name.slice(ALIAS_OWNER.length + 1) : name;
  // Routing moves on to other targets and fallback aliases as it needs; the input is built for the first.
  const target = engine.ctx.catalog.get(alias)?.targets[0];
  if (target) {
    return {
      ref: `${ALIAS_OWNER}/${alias}`,
      descriptor: await describeTarget(engine, target),
      family: target.capabilities.promptTemplate ?? guessPromptFamily(target.model),
      params: target.params,
    };
  }
  if (loraNameOf(name) !== undefined) throw modelError("bad_request", `The model '${name}' makes images`);
  if (!name.includes("/") && !VERSION_ID.test(name))
    throw modelError("not_found", `The model '${name}' does not exist`);
  const { model } = await engine.ctx.providers.resolve(parseModelRef(name, "model")).catch((error) => {
    throw GatewayError.from(error).code === "not_found"
      ? modelError("not_found", `The model '${name}' does not exist`)
      : error;
  });
  return {
    ref: name,
    descriptor: model,
    family: guessPromptFamily(`${model.owner}/${model.name}`),
    params: null,
  };
}

/** Null when the target's provider is not configured or cannot say: routing will tell why. */
async function describeTarget(engine: Engine, target: TargetConfig): Promise<ModelDescriptor | null> {
  const provider = engine.ctx.providers.all().find((p) => p.id === target.provider);
  try {
    return (await provider?.getModel(parseModelRef(target.model))) ?? null;
  } catch {
    return null;
  }
}
