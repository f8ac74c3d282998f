/** The simulator's models, described the way Cog describes a model version. */
import type { ModelRef } from "../../core/model-ref.ts";
import { findModel } from "../model-lookup.ts";
import type { JsonSchema, ModelDescriptor } from "../provider.ts";
import { versionIdOf } from "../toolkit/version-id.ts";

export const ASPECT_RATIOS = ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "21:9", "9:21"] as const;
export const IMAGE_FORMATS = ["webp", "png", "jpg"] as const;

const VERSION_CREATED_AT = "2025-01-01T00:00:00.000Z";

/** The trainer's model name: `sim/lora-trainer`. */
export const TRAINER_NAME = "lora-trainer";

/** A Cog input schema; `x-order` follows the order of `properties`. */
export function cogInput(
  required: string[],
  properties: Record<string, JsonSchema>,
  title = "Input",
): JsonSchema {
  const ordered = Object.entries(properties).map(([name, schema], order) => [
    name,
    { ...schema, "x-order": order },
  ]);
  return { type: "object", title, required, properties: Object.fromEntries(ordered) };
}

const prompt = (description: string) => ({ type: "string", title: "Prompt", description });
const seed = {
  type: "integer",
  title: "Seed",
  description: "Random seed. Leave blank to randomize the seed",
};
const failControl = {
  type: ["boolean", "string"],
  title: "Fail",
  description:
    'Simulator control: true makes the prediction fail with "Simulated failure"; a string fails it with that error',
};
const latencyControl = (what: string) => ({
  type: "integer",
  title: "Latency Ms",
  description: `Simulator control: ${what} in milliseconds, overriding the configured latency`,
  minimum: 0,
});

/** sim/image's inputs but the simulator controls, which come last. */
export const IMAGE_PROPERTIES: Record<string, JsonSchema> = {
  prompt: prompt("Text prompt; with the seed it decides every pixel"),
  negative_prompt: { type: "string", title: "Negative Prompt", description: "Things not to show (ignored)" },
  width: {
    type: "integer",
    title: "Width",
    description: "Width of the output image; 512 when neither a size nor an aspect ratio is given",
    minimum: 64,
    maximum: 2048,
  },
  height: {
    type: "integer",
    title: "Height",
    description: "Height of the output image; 512 when neither a size nor an aspect ratio is given",
    minimum: 64,
    maximum: 2048,
  },
  aspect_ratio: {
    type: "string",
    title: "Aspect Ratio",
    description: "Aspect ratio of the output when width and height are not given (about 512x512 pixels)",
    enum: [...ASPECT_RATIOS],
  },
  num_outputs: {
    type: "integer",
    title: "Num Outputs",
    description: "Number of images to output",
    default: 1,
    minimum: 1,
    maximum: 4,
  },
  output_format: {
    type: "string",
    title: "Output Format",
    description: "Format of the output images",
    default: "webp",
    enum: [...IMAGE_FORMATS],
  },
  output_quality: {
    type: "integer",
    title: "Output Quality",
    description: "Quality when saving jpg or webp images, from 0 to 100",
    default: 80,
    minimum: 0,
    maximum: 100,
  },
  seed,
  image: {
    type: "string",
    title: "Image",
    description: "Input image, resized to the output size and blended with the generated pattern",
    format: "uri",
  },
  mask: {
    type: "string",
    title: "Mask",
    description:
      "Inpainting mask for the input image, resized like it: white pixels are repainted with the generated pattern, black ones keep the image, grey ones mix both",
    format: "uri",
  },
};

export const IMAGE_CONTROLS: Record<string, JsonSchema> = {
  latency_ms: latencyControl("time from start to result"),
  fail: failControl,
};

const imageInput = cogInput(["prompt"], { ...IMAGE_PROPERTIES, ...IMAGE_CONTROLS });

export const IMAGE_OUTPUT: JsonSchema = {
  type: "array",
  items: { type: "string", format: "uri" },
  title: "Output",
};
export const IMAGE_CAPABILITIES: ModelDescriptor["capabilities"] = {
  referenceImage: true,
  mask: true,
  maxOutputs: 4,
  formats: [...IMAGE_FORMATS],
};

const textInput = cogInput(["prompt"], {
  prompt: prompt("Prompt; the response starts by echoing its first words"),
  system_prompt: { type: "string", title: "System Prompt", description: "System prompt (ignored)" },
  max_tokens: {
    type: "integer",
    title: "Max Tokens",
    description: "Number of tokens to generate",
    default: 64,
    minimum: 1,
    maximum: 4096,
  },
  temperature: {
    type: "number",
    title: "Temperature",
    description: "Sampling temperature (ignored)",
    default: 0.7,
    minimum: 0,
    maximum: 2,
  },
  seed,
  latency_ms: latencyControl("time to the first token"),
  token_interval_ms: {
    type: "integer",
    title: "Token Interval Ms",
    description: "Simulator control: milliseconds between two tokens",
    default: 20,
    minimum: 0,
  },
  fail: failControl,
});

/** After replicate/all-mpnet-base-v2's input (one `text` or a JSON list in `text_batch`), with `dimensions`. */
const embeddingsInput = cogInput([], {
  text: { type: "string", title: "Text", description: "A single string to encode" },
  text_batch: {
    type: "string",
    title: "Text Batch",
    description: "A JSON-formatted list of strings to encode",
  },
  dimensions: {
    type: "integer",
    title: "Dimensions",
    description: "Length of each embedding vector",
    default: 768,
    minimum: 1,
    maximum: 4096,
  },
  latency_ms: latencyControl("time from start to result"),
  fail: failControl,
});

/** replicate/all-mpnet-base-v2's output: one `{ embedding }` per text, in order. */
const EMBEDDINGS_OUTPUT: JsonSchema = {
  type: "array",
  title: "Output",
  items: {
    type: "object",
    title: "NamedEmbedding",
    required: ["embedding"],
    properties: { embedding: { type: "array", items: { type: "number" }, title: "Embedding" } },
  },
};

/** sim/lora-trainer's training input, after ostris/flux-dev-lora-trainer (reference/replicate.md §12). */
export const TRAINING_INPUT = cogInput(
  ["input_images"],
  {
    input_images: {
      type: "string",
      title: "Input Images",
      description:
        "A zip file of images (PNG, JPEG, WebP or GIF), with optional <image-name>.txt captions; __MACOSX/ and ._* entries are ignored",
      format: "uri",
    },
    trigger_word: {
      type: "string",
      title: "Trigger Word",
      description: "A word associated with all the images, to use in prompts",
      default: "TOK",
    },
    autocaption: {
      type: "boolean",
      title: "Autocaption",
      description: "Caption the images that have no caption file (simulated)",
      default: true,
    },
    autocaption_prefix: {
      type: "string",
      title: "Autocaption Prefix",
      description: "Text before each caption",
    },
    autocaption_suffix: {
      type: "string",
      title: "Autocaption Suffix",
      description: "Text after each caption",
    },
    steps: {
      type: "integer",
      title: "Steps",
      description:
        "Number of training steps (the simulated training takes GENGATE_SIM_TRAINING_MS whatever the steps)",
      default: 1000,
      minimum: 3,
      maximum: 6000,
    },
    lora_rank: {
      type: "integer",
      title: "Lora Rank",
      description: "Rank of the LoRA",
      default: 16,
      minimum: 1,
      maximum: 128,
    },
    learning_rate: { type: "number", title: "Learning Rate", description: "Learning rate", default: 0.0004 },
    batch_size: { type: "integer", title: "Batch Size", description: "Batch size", default: 1, minimum: 1 },
    resolution: {
      type: "string",
      title: "Resolution",
      description: "Comma-separated image resolutions for training",
      default: "512,768,1024",
    },
  },
  "TrainingInput",
);

/** `trainingSchema` (trainers only) is part of what the version id is derived from. */
function describe(
  name: string,
  description: string,
  inputSchema: JsonSchema,
  outputSchema: JsonSchema,
  capabilities: ModelDescriptor["capabilities"],
  trainingSchema?: JsonSchema,
): ModelDescriptor {
  const versionId = versionIdOf(
    trainingSchema ? [inputSchema, outputSchema, trainingSchema] : [inputSchema, outputSchema],
  );
  return {
    owner: "sim",
    name,
    description,
    versionId,
    versionCreatedAt: VERSION_CREATED_AT,
    inputSchema,
    outputSchema,
    ...(trainingSchema && { trainingInputSchema: trainingSchema }),
    capabilities,
    providerModel: name,
  };
}

export const SIM_MODELS: readonly ModelDescriptor[] = [
  describe(
    "image",
    "Simulated text-to-image model for demos, tests and benchmarks: makes real images whose pixels depend only on prompt and seed; no GPU, no cost.",
    imageInput,
    IMAGE_OUTPUT,
    IMAGE_CAPABILITIES,
  ),
  describe(
    "text",
    "Simulated language model for demos, tests and benchmarks: streams deterministic tokens.",
    textInput,
    {
      type: "array",
      items: { type: "string" },
      title: "Output",
      "x-cog-array-type": "iterator",
      "x-cog-array-display": "concatenate",
    },
    { streaming: true },
  ),
  describe(
    "embeddings",
    "Simulated text embedding model for demos, tests and benchmarks: deterministic unit vectors derived from each text's hash; nothing semantic.",
    embeddingsInput,
    EMBEDDINGS_OUTPUT,
    {},
  ),
  describe(
    TRAINER_NAME,
    "Simulated LoRA trainer for demos, tests and benchmarks, after ostris/flux-dev-lora-trainer: trains sim-lora/<name> versions from a zip of images in GENGATE_SIM_TRAINING_MS; its predictions run like sim/image.",
    imageInput,
    IMAGE_OUTPUT,
    IMAGE_CAPABILITIES,
    TRAINING_INPUT,
  ),
];

export function findSimModel(ref: ModelRef): ModelDescriptor | null {
  return findModel(SIM_MODELS, ref);
}
