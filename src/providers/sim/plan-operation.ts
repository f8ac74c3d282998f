/** Turns a start request into a sim operation: decides seed, latency and failure once, at start. */
import { randomInt } from "node:crypto";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import { newId } from "../../core/ids.ts";
import { invalidFieldsOf } from "../../core/zod-issues.ts";
import type { SimConfig } from "./config.ts";
import { resolveImageSize } from "./image-size.ts";
import { sampleLatency } from "./latency.ts";
import { parseLoraProviderModel } from "./lora-models.ts";
import { ASPECT_RATIOS, IMAGE_FORMATS, TRAINER_NAME } from "./models.ts";
import type { SimOperation } from "./operation.ts";

const control = {
  seed: z.int().optional(),
  latency_ms: z.int().min(0).optional(),
  fail: z.union([z.boolean(), z.string()]).optional(),
};

const imageInput = z.object({
  prompt: z.string(),
  width: z.int().min(64).max(2048).optional(),
  height: z.int().min(64).max(2048).optional(),
  aspect_ratio: z.enum(ASPECT_RATIOS).optional(),
  num_outputs: z.int().min(1).max(4).default(1),
  output_format: z.enum(IMAGE_FORMATS).default("webp"),
  output_quality: z.int().min(0).max(100).default(80),
  image: z.string().min(1).optional(),
  mask: z.string().min(1).optional(),
  ...control,
});

const loraImageInput = imageInput.extend({ lora_scale: z.number().min(-1).max(3).default(1) });

const textInput = z.object({
  prompt: z.string(),
  max_tokens: z.int().min(1).max(4096).default(64),
  token_interval_ms: z.int().min(0).default(20),
  ...control,
});

const embeddingsInput = z.object({
  text: z.string().optional(),
  text_batch: z.string().optional(),
  dimensions: z.int().min(1).max(4096).default(768),
  ...control,
});

/** An id like the simulated upstream's own: `sim_` and 20 base32 characters (100 random bits). */
export function newUpstreamId(): string {
  return `sim_${newId().slice(0, 20)}`;
}

export function planOperation(
  providerModel: string,
  rawInput: Record<string, unknown>,
  config: SimConfig,
  upstreamId: string,
): SimOperation {
  // The trainer's own predictions run the base model, like ostris/flux-dev-lora-trainer's.
  if (providerModel === "image" || providerModel === TRAINER_NAME) {
    return imageOperation(parseInput(imageInput, rawInput), config, upstreamId);
  }
  const lora = parseLoraProviderModel(providerModel);
  if (lora) {
    const input = parseInput(loraImageInput, rawInput);
    return {
      ...imageOperation(input, config, upstreamId),
      lora: { name: lora.name, version: lora.version, scale: input.lora_scale },
    };
  }
  if (providerModel === "text") {
    const input = parseInput(textInput, rawInput);
    return {
      ...common(input, config, upstreamId),
      kind: "text",
      prompt: input.prompt,
      maxTokens: input.max_tokens,
      tokenIntervalMs: input.token_interval_ms,
    };
  }
  if (providerModel === "embeddings") {
    const input = parseInput(embeddingsInput, rawInput);
    return {
      ...common(input, config, upstreamId),
      kind: "embedding",
      texts: textsOf(input),
      dimensions: input.dimensions,
    };
  }
  throw new GatewayError("not_found", `The sim provider has no model "${providerModel}"`, {
    retryable: false,
  });
}

function imageOperation(
  input: z.infer<typeof imageInput>,
  config: SimConfig,
  upstreamId: string,
): Extract<SimOperation, { kind: "image" }> {
  if (input.mask !== undefined && input.image === undefined) {
    const description = "a mask needs an image to repaint";
    throw new GatewayError("invalid_input", `mask: ${description}`, {
      invalidFields: [{ type: "required", field: "mask", description }],
    });
  }
  return {
    ...common(input, config, upstreamId),
    kind: "image",
    prompt: input.prompt,
    ...resolveImageSize(input),
    numOutputs: input.num_outputs,
    format: input.output_format,
    quality: input.output_quality,
    imageUrl: input.image ?? null,
    maskUrl: input.mask ?? null,
  };
}

/** `text`, or the JSON list of strings in `text_batch`, as all-mpnet-base-v2 takes them. */
function textsOf(input: z.infer<typeof embeddingsInput>): string[] {
  const invalid = (field: string, description: string) =>
    new GatewayError("invalid_input", `${field}: ${description}`, {
      invalidFields: [{ type: "invalid", field, description }],
    });
  if (input.text_batch === undefined) {
    if (input.text === undefined) throw invalid("text", "give text or text_batch");
    return [input.text];
  }
  let batch: unknown;
  try {
    batch = JSON.parse(input.text_batch);
  } catch {
    throw invalid("text_batch", "must be a JSON list of strings");
  }
  if (!Array.isArray(batch) || !batch.every((text) => typeof text === "string"))
    throw invalid("text_batch", "must be a JSON list of strings");
  return input.text === undefined ? batch : [input.text, ...batch];
}

function common(input: z.infer<z.ZodObject<typeof control>>, config: SimConfig, upstreamId: string) {
  return {
    provider: "sim" as const,
    upstreamId,
    seed: input.seed ?? randomInt(0, 2 ** 31),
    startedAt: Date.now(),
    latencyMs: input.latency_ms ?? sampleLatency(config.latency),
    failure: plannedFailure(input.fail, config.failureRate),
  };
}

function plannedFailure(fail: boolean | string | undefined, failureRate: number): string | null {
  if (fail === true) return "Simulated failure";
  if (typeof fail === "string" && fail !== "") return fail;
  if (fail === undefined && Math.random() < failureRate) return "Simulated failure (failure rate)";
  return null;
}

function parseInput<T extends z.ZodType>(schema: T, input: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const invalidFields = invalidFieldsOf(parsed.error, "input");
  const first = invalidFields[0];
  throw new GatewayError("invalid_input", `${first?.field}: ${first?.description}`, { invalidFields });
}
