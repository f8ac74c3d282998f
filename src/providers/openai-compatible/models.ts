/**
 * The configured upstream models as gengate models `openai-compatible/<name>`, described the way
 * Cog describes a version. A chat model's input is OpenAI's own request (conversation, tools,
 * output format, sampling), passed through as the upstream takes it natively.
 */
import type { JsonSchema, ModelCapabilities, ModelDescriptor } from "../provider.ts";
import { OPENAI_CHAT_INPUT, OPENAI_CHAT_OUTPUT, ordered } from "../toolkit/openai-chat-schema.ts";
import { versionIdOf } from "../toolkit/version-id.ts";
import { type ModelKind, PROVIDER_ID, type UpstreamModel } from "./config.ts";

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
      input: OPENAI_CHAT_INPUT,
      output: OPENAI_CHAT_OUTPUT,
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
