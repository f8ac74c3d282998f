/**
 * A chat request as a model's input: the conversation itself for a model that takes `messages`,
 * otherwise the prompt its family's template makes of it; then the sampling parameters the model
 * takes. An alias's catalog renames them per target; for a model reference, the names are those
 * of its input schema.
 */
import { renderChat } from "../../catalog/prompt-templates.ts";
import type { JsonSchema } from "../../providers/provider.ts";
import type { ChatModel } from "./chat-model.ts";
import type { ChatRequest } from "./chat-request.ts";
import type { Support } from "./chat-support.ts";

export interface ChatPlan {
  input: Record<string, unknown>;
  /** Sequences that end the answer: gengate applies them whether or not the model does. */
  stop: string[];
  /** The OpenAI parameters left out of the model's input, for `x-gengate-dropped-params`. */
  dropped: string[];
  /** The client's token limit, if any. */
  maxTokens: number | undefined;
  /** Where the model's input holds its token limit (defaults applied); undefined: it has none. */
  maxTokensField: string | undefined;
  /** The text the model reads, to estimate its tokens when the provider does not count them. */
  promptText: string;
}

/** Other names models give gengate's parameters, tried in order when a model reference lacks the first. */
const SYNONYMS: Record<string, string[]> = {
  max_tokens: ["max_tokens", "max_new_tokens"],
  stop: ["stop", "stop_sequences"],
};

interface Field {
  /** The name in the input gengate submits. */
  key: string;
  /** The name in the model's own input (after an alias renamed it). */
  upstream: string;
}

export function planChat(model: ChatModel, request: ChatRequest, support: Support): ChatPlan {
  const properties = model.descriptor?.inputSchema.properties as Record<string, JsonSchema> | undefined;
  const fieldFor = (name: string): Field | undefined => {
    for (const key of model.params ? [name] : (SYNONYMS[name] ?? [name])) {
      const upstream = model.params && key in model.params ? model.params[key] : key;
      if (upstream != null && (!properties || upstream in properties)) return { key, upstream };
    }
    return undefined;
  };

  const input: Record<string, unknown> = {};
  let stop = request.stop;
  let promptText: string;
  if (model.tools && request.openAiMessages) {
    input.messages = request.openAiMessages;
    promptText = request.messages.map((m) => m.content).join("\n");
  } else if (model.descriptor?.capabilities.chat) {
    input.messages = request.messages;
    promptText = request.messages.map((m) => m.content).join("\n");
  } else if (request.rawPrompt !== undefined) {
    input.prompt = request.rawPrompt;
    promptText = request.rawPrompt;
  } else {
    const { prompt, systemPrompt, stop: turnEnds } = renderChat(request.messages, model.family);
    const systemField = systemPrompt === undefined ? undefined : fieldFor("system_prompt");
    if (systemField) input[systemField.key] = systemPrompt;
    // A model with no system prompt of its own reads it at the start of the prompt.
    input.prompt = systemPrompt === undefined || systemField ? prompt : `${systemPrompt}\n\n${prompt}`;
    // Replicate's LLMs wrap the prompt in their own chat template unless told it is already done.
    const template = model.family !== "plain" && properties ? fieldFor("prompt_template") : undefined;
    if (template) input[template.key] = "{prompt}";
    stop = [...new Set([...request.stop, ...turnEnds])];
    promptText = [systemPrompt, prompt].filter((text) => text !== undefined).join("\n");
  }

  Object.assign(input, support.native);
  const dropped = [...support.dropped, ...request.serviceOnly];
  for (const [name, value] of Object.entries(request.sampling)) {
    const field = fieldFor(name);
    // A parameter never overrides what gengate made of the conversation (`prompt`).
    if (field && !(field.key in input)) input[field.key] = value;
    // A token limit the model does not take, gengate enforces itself.
    else if (name !== "max_tokens") dropped.push(name);
  }
  const stopField = stop.length > 0 ? fieldFor("stop") : undefined;
  if (stopField) {
    const type = properties?.[stopField.upstream]?.type;
    // Cog models take a comma-separated string (`stop_sequences`).
    input[stopField.key] = type === "string" ? stop.join(",") : stop;
  }
  return {
    input,
    stop,
    dropped,
    maxTokens: typeof request.sampling.max_tokens === "number" ? request.sampling.max_tokens : undefined,
    maxTokensField: fieldFor("max_tokens")?.upstream,
    promptText,
  };
}
