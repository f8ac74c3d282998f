/**
 * The model a chat request names: a catalog alias (`llama-3-8b-instruct` or
 * `gengate/llama-3-8b-instruct`) or a model reference, with what gengate needs to build its input.
 */
import { takesJsonOutput } from "../../catalog/adapt-input.ts";
import { guessPromptFamily, type PromptFamily } from "../../catalog/prompt-templates.ts";
import { GatewayError } from "../../core/errors.ts";
import { loraNameOf } from "../../core/lora.ts";
import type { Engine } from "../../engine/engine.ts";
import type { ModelDescriptor } from "../../providers/provider.ts";
import { aliasNamed, engineModelOf, providerModelNamed, routableTargets, targetModel } from "./models.ts";

const VERSION_ID = /^[a-f0-9]{64}$/;

export interface ChatModel {
  /** As the client named it. */
  name: string;
  /** What `engine.submit` is given. */
  ref: string;
  /** The model that serves the request first, when gengate can tell. */
  descriptor: ModelDescriptor | null;
  family: PromptFamily;
  /** An alias's renaming of gengate's parameters for its first target; null for a model reference. */
  params: Record<string, string | null> | null;
  /**
   * Honours `response_format` (json_object, json_schema) natively: for an alias, every target
   * routing may move on to does, so that no fallback answers prose instead.
   */
  jsonOutput: boolean;
  /**
   * Takes OpenAI's tools, tool and developer messages and tuning parameters natively (an
   * OpenAI-compatible upstream): for an alias, every target routing may move on to does.
   */
  tools?: boolean;
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
  const { catalog, providers } = engine;
  const alias = aliasNamed(name, catalog);
  // Routing moves on to other targets and fallback aliases as it needs; the input is built for the first.
  const target = alias?.targets[0];
  if (alias && target) {
    const routable = routableTargets(alias, catalog);
    const models = await Promise.all(routable.map((each) => targetModel(each, engine)));
    return {
      name,
      ref: engineModelOf(name, catalog),
      descriptor: models[0] ?? null,
      family: target.capabilities.promptTemplate ?? guessPromptFamily(target.model),
      params: target.params,
      jsonOutput: routable.every((each, at) => takesJsonOutput(each.capabilities, models[at]?.capabilities)),
      tools: models.every((model) => model?.capabilities.tools === true),
    };
  }
  if (loraNameOf(name) !== undefined) throw modelError("bad_request", `The model '${name}' makes images`);
  if (!name.includes("/") && !VERSION_ID.test(name))
    throw modelError("not_found", `The model '${name}' does not exist`);
  const model = await providerModelNamed(name, providers).catch((error) => {
    throw GatewayError.from(error).code === "not_found" ? modelError("not_found", error.message) : error;
  });
  return {
    name,
    ref: name,
    descriptor: model,
    family: guessPromptFamily(`${model.owner}/${model.name}`),
    params: null,
    jsonOutput: takesJsonOutput({}, model.capabilities),
    tools: model.capabilities.tools === true,
  };
}
