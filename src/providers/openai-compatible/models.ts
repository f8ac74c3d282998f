/**
 * The configured upstream models as gengate models `openai-compatible/<name>`, described the way
 * Cog describes a version. A chat model's input is OpenAI's own request (conversation, tools,
 * output format, sampling), passed through as the upstream takes it natively.
 */
import type { JsonSchema, ModelCapabilities, ModelDescriptor } from "../provider.ts";
import { versionIdOf } from "../toolkit/version-id.ts";
import { type ModelKind, PROVIDER_ID, type UpstreamModel } from "./config.ts";

const ordered = (properties: Record<string, JsonSchema>) =>
  Object.fromEntries(
    Object.entries(properties).map(([name, schema], order) => [name, { ...schema, "x-order": order }]),
  );

const penalty: JsonSchema = { type: "number", minimum: -2, maximum: 2 };

const CHAT_INPUT: JsonSchema = {
  type: "object",
  title: "Input",
  required: ["messages"],
  properties: ordered({
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
  }),
};

/**
 * Text tokens, then (when the model called tools) one `{ tool_calls }` item and (when asked) one
 * `{ logprobs }` item, in OpenAI's shapes.
 */
const CHAT_OUTPUT: JsonSchema = {
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

const IMAGE_INPUT: JsonSchema = {
  type: "object",
  title: "Input",
  required: ["prompt"],
  properties: ordered({
    prompt: { type: "string", title: "Prompt" },
    size: { type: "string", title: "Size", description: "WIDTHxHEIGHT, as the upstream takes it" },
    num_outputs: { type: "integer", title: "Num Outputs", minimum: 1, maximum: 4, default: 1 },
    quality: { type: "string", title: "Quality" },
  }),
};

const IMAGE_OUTPUT: JsonSchema = { type: "array", title: "Output", items: { type: "string", format: "uri" } };

const EMBEDDING_INPUT: JsonSchema = {
  type: "object",
  title: "Input",
  required: ["texts"],
  properties: ordered({
    texts: { type: "array", title: "Texts", items: { type: "string" }, minItems: 1 },
    dimensions: { type: "integer", title: "Dimensions", minimum: 1 },
  }),
};

const EMBEDDING_OUTPUT: JsonSchema = {
  type: "array",
  title: "Output",
  items: { type: "object", properties: { embedding: { type: "array", items: { type: "number" } } } },
};

const SHAPES: Record<ModelKind, { input: JsonSchema; output: JsonSchema; capabilities: ModelCapabilities }> =
  {
    chat: {
      input: CHAT_INPUT,
      output: CHAT_OUTPUT,
      capabilities: { streaming: true, chat: true, jsonOutput: true, tools: true },
    },
    image: { input: IMAGE_INPUT, output: IMAGE_OUTPUT, capabilities: { maxOutputs: 4, formats: ["png"] } },
    embedding: { input: EMBEDDING_INPUT, output: EMBEDDING_OUTPUT, capabilities: {} },
  };

export function describeModel(name: string, upstream: UpstreamModel): ModelDescriptor {
  const shape = SHAPES[upstream.kind];
  return {
    owner: PROVIDER_ID,
    name,
    description:
      upstream.description ?? `${upstream.model} (${upstream.kind}) on an OpenAI-compatible upstream`,
    versionId: versionIdOf([PROVIDER_ID, upstream.kind, upstream.model, shape.input]),
    versionCreatedAt: "2026-01-01T00:00:00.000Z",
    inputSchema: shape.input,
    outputSchema: shape.output,
    capabilities: shape.capabilities,
    providerModel: name,
  };
}
