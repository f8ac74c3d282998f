/**
 * A chat model's input and output when it takes OpenAI's chat request natively (conversation,
 * tools, output format, sampling), described the way Cog describes a version.
 */
import type { JsonSchema } from "../provider.ts";

/** Numbers each property's `x-order` as listed. */
export const ordered = (properties: Record<string, JsonSchema>) =>
  Object.fromEntries(
    Object.entries(properties).map(([name, schema], order) => [name, { ...schema, "x-order": order }]),
  );

const penalty: JsonSchema = { type: "number", minimum: -2, maximum: 2 };

/** OpenAI's chat request fields as the upstream takes them, unordered. */
export const OPENAI_CHAT_PROPERTIES: Readonly<Record<string, JsonSchema>> = {
  messages: {
    type: "array",
    title: "Messages",
    description: "The conversation in OpenAI's shape, tool calls and tool results included",
    items: { type: "object", required: ["role"] },
    minItems: 1,
  },
  tools: { type: "array", title: "Tools", items: { type: "object" } },
  tool_choice: { title: "Tool Choice", anyOf: [{ type: "string" }, { type: "object" }] },
  response_format: { type: "object", title: "Response Format" },
  max_tokens: { type: "integer", title: "Max Tokens", minimum: 1 },
  temperature: { type: "number", title: "Temperature", minimum: 0, maximum: 2 },
  top_p: { type: "number", title: "Top P", minimum: 0, maximum: 1 },
  stop: { title: "Stop", anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
  seed: { type: "integer", title: "Seed" },
  presence_penalty: { ...penalty, title: "Presence Penalty" },
  frequency_penalty: { ...penalty, title: "Frequency Penalty" },
  logit_bias: { type: "object", title: "Logit Bias", additionalProperties: { type: "number" } },
  logprobs: { type: "boolean", title: "Logprobs" },
  top_logprobs: { type: "integer", title: "Top Logprobs", minimum: 0, maximum: 20 },
};

export const OPENAI_CHAT_INPUT: JsonSchema = {
  type: "object",
  title: "Input",
  required: ["messages"],
  properties: ordered(OPENAI_CHAT_PROPERTIES),
};

/**
 * Text tokens, then (when the model called tools) one `{ tool_calls }` item and (when asked) one
 * `{ logprobs }` item, in OpenAI's shapes.
 */
export const OPENAI_CHAT_OUTPUT: JsonSchema = {
  type: "array",
  items: {
    anyOf: [
      { type: "string" },
      { type: "object", required: ["tool_calls"] },
      { type: "object", required: ["logprobs"] },
    ],
  },
  title: "Output",
  "x-cog-array-type": "iterator",
  "x-cog-array-display": "concatenate",
};
