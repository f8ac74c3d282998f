/** The models every fake starts with (fixed version ids, so they are the same in every run). */
import type { Catalog } from "./catalog.ts";
import { type CogField, type CogSignature, cogOpenApiSchema } from "./cog-schema.ts";
import { addEmbeddingModels } from "./embedding-models.ts";
import { fixedVersionId } from "./ids.ts";
import { addImageModels } from "./image-models.ts";
import { addTextModels } from "./text-models.ts";
import { addToolModels } from "./tool-models.ts";

/** The account every token of the fake belongs to. */
export const ACCOUNT = { type: "user", username: "fake-user", name: "Fake User" } as const;

export const HARDWARE = [
  { name: "CPU", sku: "cpu" },
  { name: "Nvidia T4 GPU", sku: "gpu-t4" },
  { name: "Nvidia A40 GPU", sku: "gpu-a40-small" },
  { name: "Nvidia A40 (Large) GPU", sku: "gpu-a40-large" },
  { name: "Nvidia L40S GPU", sku: "gpu-l40s" },
  { name: "Nvidia A100 (80GB) GPU", sku: "gpu-a100-large" },
  { name: "Nvidia H100 GPU", sku: "gpu-h100" },
] as const;

/** Curated lists of models, as on replicate.com/collections. */
export const COLLECTIONS = [
  {
    name: "Text to image",
    slug: "text-to-image",
    description: "Models that generate images from text prompts (fake)",
    full_description: null,
    models: ["fake-official/flux-schnell", "fake/sdxl"],
  },
  {
    name: "Language models",
    slug: "language-models",
    description: "Models that write and chat (fake)",
    full_description: "Models that write text, token by token.",
    models: ["fake/llm"],
  },
] as const;

const imagesOutput = { type: "array", items: { type: "string", format: "uri" } };

const prompt: CogField = { type: "string", description: "Text prompt for image generation" };
const numOutputs: CogField = {
  type: "integer",
  description: "Number of images to output",
  default: 1,
  minimum: 1,
  maximum: 4,
};
const seed: CogField = { type: "integer", description: "Random seed. Leave blank to randomize the seed" };
const side = (name: string): CogField => ({
  type: "integer",
  description: `${name} of output image, a multiple of 8`,
  default: 1024,
  minimum: 256,
  maximum: 1536,
  multipleOf: 8,
});

const fluxSchnell: CogSignature = {
  fields: {
    prompt,
    aspect_ratio: {
      type: "string",
      description: "Aspect ratio for the generated image",
      default: "1:1",
      choices: ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"],
    },
    num_outputs: numOutputs,
    seed,
    output_format: {
      type: "string",
      description: "Format of the output images",
      default: "webp",
      choices: ["webp", "jpg", "png"],
    },
    output_quality: {
      type: "integer",
      description: "Quality when saving the output images, from 0 to 100. Not relevant for .png outputs",
      default: 80,
      minimum: 0,
      maximum: 100,
    },
  },
  required: ["prompt"],
  output: imagesOutput,
};

const sdxlV1: CogSignature = {
  fields: {
    prompt,
    negative_prompt: { type: "string", description: "Input Negative Prompt", default: "" },
    width: side("Width"),
    height: side("Height"),
    num_outputs: numOutputs,
    seed,
  },
  required: ["prompt"],
  output: imagesOutput,
};

const image: CogField = {
  type: "string",
  format: "uri",
  description: "Input image for img2img mode",
};
const sdxl: CogSignature = { ...sdxlV1, fields: { ...sdxlV1.fields, image } };

const llm: CogSignature = {
  fields: {
    prompt: { type: "string", description: "Prompt to send to the model." },
    system_prompt: { type: "string", description: "System prompt", default: "You are a helpful assistant." },
    max_tokens: {
      type: "integer",
      description: "Maximum number of tokens to generate",
      default: 24,
      minimum: 1,
      maximum: 4096,
    },
    temperature: {
      type: "number",
      description: "Randomness of outputs",
      default: 0.7,
      minimum: 0,
      maximum: 5,
    },
  },
  required: ["prompt"],
  output: {
    type: "array",
    items: { type: "string" },
    "x-cog-array-type": "iterator",
    "x-cog-array-display": "concatenate",
  },
};

/** What a trained LoRA version takes: sdxl's inputs plus the LoRA strength. */
const loraPredict: CogSignature = {
  ...sdxl,
  fields: {
    ...sdxl.fields,
    lora_scale: { type: "number", description: "Strength of the LoRA", default: 1, minimum: -1, maximum: 3 },
  },
};

/** After ostris/flux-dev-lora-trainer (reference/replicate.md §12). */
const loraTraining: CogSignature = {
  fields: {
    input_images: { type: "string", format: "uri", description: "A zip file containing the images" },
    trigger_word: { type: "string", description: "A word associated with all images", default: "TOK" },
    autocaption: { type: "boolean", description: "Caption images automatically", default: true },
    steps: {
      type: "integer",
      description: "Number of training steps",
      default: 1000,
      minimum: 3,
      maximum: 6000,
    },
    learning_rate: { type: "number", description: "Learning rate", default: 0.0004 },
    batch_size: { type: "integer", description: "Batch size", default: 1, minimum: 1 },
    resolution: { type: "string", description: "Image resolutions for training", default: "512,768,1024" },
    lora_rank: { type: "integer", description: "LoRA rank", default: 16, minimum: 1, maximum: 128 },
  },
  required: ["input_images"],
  output: {
    type: "object",
    properties: { weights: { title: "Weights", type: "string", format: "uri" } },
    required: ["weights"],
  },
};

/** The schema of versions that trainings add to their destination model. */
export const TRAINED_VERSION_SCHEMA = cogOpenApiSchema(loraPredict);

export function addBuiltinModels(catalog: Catalog): void {
  const official = catalog.createModel({
    owner: "fake-official",
    name: "flux-schnell",
    description: "Fast text-to-image model (fake)",
    visibility: "public",
    hardware: "gpu-h100",
    isOfficial: true,
  });
  catalog.addVersion(official, cogOpenApiSchema(fluxSchnell), "flux", fixedVersionId("flux-schnell"));

  const sdxlModel = catalog.createModel({
    owner: "fake",
    name: "sdxl",
    description: "Text-to-image and img2img (fake)",
    visibility: "public",
    hardware: "gpu-a40-large",
  });
  catalog.addVersion(sdxlModel, cogOpenApiSchema(sdxlV1), "sdxl", fixedVersionId("sdxl:1"));
  const latest = catalog.addVersion(sdxlModel, cogOpenApiSchema(sdxl), "sdxl", fixedVersionId("sdxl:2"));

  const llmModel = catalog.createModel({
    owner: "fake",
    name: "llm",
    description: "A language model that streams tokens (fake)",
    visibility: "public",
    hardware: "gpu-a100-large",
  });
  catalog.addVersion(llmModel, cogOpenApiSchema(llm), "llm", fixedVersionId("llm"));

  const trainer = catalog.createModel({
    owner: "fake",
    name: "trainer",
    description: "Trains LoRA versions from a zip of images (fake)",
    visibility: "public",
    hardware: "gpu-h100",
  });
  catalog.addVersion(trainer, cogOpenApiSchema(loraPredict, loraTraining), "sdxl", fixedVersionId("trainer"));

  // gengate's default trainer (reference/replicate.md §12), with fake/trainer's signature.
  const ostris = catalog.createModel({
    owner: "ostris",
    name: "flux-dev-lora-trainer",
    description: "Fine-tune FLUX.1-dev using ai-toolkit (fake)",
    visibility: "public",
    hardware: "gpu-h100",
  });
  catalog.addVersion(
    ostris,
    cogOpenApiSchema(loraPredict, loraTraining),
    "sdxl",
    fixedVersionId("flux-dev-lora-trainer"),
  );

  catalog.createDeployment({
    owner: "fake",
    name: "sdxl-deploy",
    model: "fake/sdxl",
    version: latest.id,
    hardware: "gpu-a40-large",
    minInstances: 0,
    maxInstances: 2,
  });

  addToolModels(catalog);
  addImageModels(catalog);
  addTextModels(catalog);
  addEmbeddingModels(catalog);
}
