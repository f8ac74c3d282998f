/** One gengate model per configured endpoint, `runpod/<name>`, described the way Cog describes a version. */
import type { JsonSchema, ModelDescriptor } from "../provider.ts";
import { versionIdOf } from "../toolkit/version-id.ts";
import type { EndpointConfig, ImageEndpointConfig, VllmEndpointConfig } from "./config.ts";
import { SAMPLERS, SCHEDULERS } from "./generation-params.ts";
import {
  VLLM_INPUT_SCHEMA,
  VLLM_OUTPUT_SCHEMA,
  VLLM_TOOLS_INPUT_SCHEMA,
  VLLM_TOOLS_OUTPUT_SCHEMA,
} from "./vllm-model.ts";
import { WORKER_KINDS, type WorkerKindSpec } from "./worker-kinds.ts";

const OWNER = "runpod";
const VERSION_CREATED_AT = "2026-01-01T00:00:00.000Z";

function presetsNote(presets: ImageEndpointConfig["presets"]): string {
  const parts = [
    presets?.positive && `appends "${presets.positive}" to the prompt`,
    presets?.negative && `adds "${presets.negative}" to the negative prompt`,
  ].filter(Boolean);
  return parts.length > 0
    ? `Use this model's prompt presets: ${parts.join(" and ")}`
    : "Use this model's prompt presets (none are configured, so this changes nothing)";
}

function inputSchema(spec: WorkerKindSpec, endpoint: ImageEndpointConfig): JsonSchema {
  const { defaults, size } = spec;
  const side = (title: string) => ({
    type: "integer",
    title,
    description: `${title} of the output image in pixels, a multiple of ${size.multipleOf}`,
    default: defaults.size,
    minimum: size.min,
    maximum: size.max,
    multipleOf: size.multipleOf,
  });
  const guidance = { type: "number", minimum: 0, maximum: spec.maxGuidance };
  const properties: Record<string, JsonSchema> = {
    prompt: { type: "string", title: "Prompt", description: "What the image shows" },
    negative_prompt: {
      type: "string",
      title: "Negative Prompt",
      description: "What the image must not show",
    },
    width: side("Width"),
    height: side("Height"),
    steps: {
      type: "integer",
      title: "Steps",
      description: "Denoising steps",
      default: defaults.steps,
      minimum: 1,
      maximum: spec.maxSteps,
    },
    guidance: {
      ...guidance,
      title: "Guidance",
      description: `How closely to follow the prompt (CFG scale); ${defaults.guidance} when neither guidance nor cfg_scale is given`,
    },
    cfg_scale: { ...guidance, title: "Cfg Scale", description: "Another name for guidance; guidance wins" },
    seed: {
      type: "integer",
      title: "Seed",
      description: "Random seed; -1 picks one",
      default: -1,
      minimum: -1,
    },
    ...(spec.samplers && {
      sampler: { type: "string", title: "Sampler", description: "Sampling method", enum: [...SAMPLERS] },
      scheduler: { type: "string", title: "Scheduler", description: "Noise schedule", enum: [...SCHEDULERS] },
    }),
    num_outputs: {
      type: "integer",
      title: "Num Outputs",
      description: "Number of images to output",
      default: 1,
      minimum: 1,
      maximum: spec.maxOutputs,
    },
    use_enhanced_prompts: {
      type: "boolean",
      title: "Use Enhanced Prompts",
      description: presetsNote(endpoint.presets),
      default: true,
    },
    output_format: {
      type: "string",
      title: "Output Format",
      description: "Format of the output images",
      default: "png",
      enum: [...spec.formats],
    },
  };
  const ordered = Object.entries(properties).map(([name, schema], order) => [
    name,
    { ...schema, "x-order": order },
  ]);
  // Fields in the worker's own names (A1111's sampler_name…) pass through to it.
  return {
    type: "object",
    title: "Input",
    required: ["prompt"],
    properties: Object.fromEntries(ordered),
    additionalProperties: true,
  };
}

export function describeModel(name: string, endpoint: EndpointConfig): ModelDescriptor {
  return endpoint.worker === "vllm" ? describeVllmModel(name, endpoint) : describeImageModel(name, endpoint);
}

function describeImageModel(name: string, endpoint: ImageEndpointConfig): ModelDescriptor {
  const spec = WORKER_KINDS[endpoint.worker];
  const schema = inputSchema(spec, endpoint);
  const { endpointId, worker, presets, checkpoint } = endpoint;
  const what = endpoint.description ?? "Text-to-image model";
  return {
    owner: OWNER,
    name,
    description: `${what}. Runs on RunPod serverless endpoint ${endpointId} with the ${spec.label} worker.`,
    versionId: versionIdOf([endpointId, worker, presets ?? null, checkpoint ?? null, schema]),
    versionCreatedAt: VERSION_CREATED_AT,
    inputSchema: schema,
    outputSchema: { type: "array", items: { type: "string", format: "uri" }, title: "Output" },
    capabilities: { maxOutputs: spec.maxOutputs, formats: [...spec.formats] },
    providerModel: name,
  };
}

function describeVllmModel(name: string, endpoint: VllmEndpointConfig): ModelDescriptor {
  const { endpointId, worker, model, tools } = endpoint;
  const what = endpoint.description ?? "Language model";
  const inputSchema = tools ? VLLM_TOOLS_INPUT_SCHEMA : VLLM_INPUT_SCHEMA;
  return {
    owner: OWNER,
    name,
    description: `${what}. Runs ${model} on RunPod serverless endpoint ${endpointId} with the vLLM (worker-vllm) worker.`,
    versionId: versionIdOf([endpointId, worker, model, inputSchema]),
    versionCreatedAt: VERSION_CREATED_AT,
    inputSchema,
    outputSchema: tools ? VLLM_TOOLS_OUTPUT_SCHEMA : VLLM_OUTPUT_SCHEMA,
    capabilities: { streaming: true, chat: true, ...(tools && { jsonOutput: true, tools: true }) },
    providerModel: name,
  };
}
