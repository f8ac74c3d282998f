/**
 * A vLLM endpoint as a language model `runpod/<name>`: it takes a conversation (`messages`) or a
 * raw `prompt` and streams text, described the way Cog describes a language model's version. One
 * whose worker calls tools also takes OpenAI's whole chat request (vllm-openai-route.ts).
 */
import type { JsonSchema } from "../provider.ts";
import { OPENAI_CHAT_OUTPUT, OPENAI_CHAT_PROPERTIES, ordered } from "../toolkit/openai-chat-schema.ts";
import { ROUTE_ONLY } from "./vllm-openai-route.ts";

const MESSAGE: JsonSchema = {
  type: "object",
  required: ["role", "content"],
  properties: {
    role: { type: "string", description: "system, user or assistant" },
    content: { type: "string" },
  },
};

const PROPERTIES: Record<string, JsonSchema> = {
  messages: {
    type: "array",
    title: "Messages",
    description:
      "The conversation so far, [{role, content}] as OpenAI's chat API takes it; the worker applies the model's chat template. Used instead of prompt when both are given",
    items: MESSAGE,
    minItems: 1,
  },
  prompt: {
    type: "string",
    title: "Prompt",
    description: "Text for the model to continue, without a chat template",
  },
  max_tokens: {
    type: "integer",
    title: "Max Tokens",
    description: "Most tokens to generate",
    default: 512,
    minimum: 1,
  },
  temperature: {
    type: "number",
    title: "Temperature",
    description: "Randomness of sampling, 0 for greedy; the worker's default (1) when not given",
    minimum: 0,
    maximum: 2,
  },
  top_p: {
    type: "number",
    title: "Top P",
    description:
      "Sample from the smallest set of tokens whose probabilities add up to this; 1 when not given",
    exclusiveMinimum: 0,
    maximum: 1,
  },
  stop: {
    title: "Stop",
    description: "Text, or list of texts, that ends generation; it is not part of the output",
    anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
  },
  seed: { type: "integer", title: "Seed", description: "Random seed, for repeatable sampling" },
};

const inputSchema = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: "object",
  title: "Input",
  properties: ordered(properties),
  anyOf: [{ required: ["messages"] }, { required: ["prompt"] }],
});

export const VLLM_INPUT_SCHEMA = inputSchema(PROPERTIES);

/** A worker that calls tools: the conversation in OpenAI's shape, and OpenAI's chat fields. */
export const VLLM_TOOLS_INPUT_SCHEMA = inputSchema({
  ...PROPERTIES,
  messages: OPENAI_CHAT_PROPERTIES.messages as JsonSchema,
  ...Object.fromEntries(ROUTE_ONLY.map((name) => [name, OPENAI_CHAT_PROPERTIES[name] as JsonSchema])),
});

/** Text, then tool calls and log probabilities in OpenAI's shapes. */
export const VLLM_TOOLS_OUTPUT_SCHEMA = OPENAI_CHAT_OUTPUT;

/** Replicate's language models: tokens, shown concatenated. */
export const VLLM_OUTPUT_SCHEMA: JsonSchema = {
  type: "array",
  items: { type: "string" },
  title: "Output",
  "x-cog-array-type": "iterator",
  "x-cog-array-display": "concatenate",
};
