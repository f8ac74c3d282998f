/**
 * The image models gengate's built-in aliases run (src/catalog/builtin-models.ts), with the input
 * schemas Replicate publishes for them: names, types, choices, bounds and defaults as published,
 * descriptions shortened. What each makes is in model-runs.ts (by behaviour) and image-job.ts.
 */
import type { Behaviour, Catalog } from "./catalog.ts";
import { type CogField, type CogSignature, cogOpenApiSchema } from "./cog-schema.ts";
import { fixedVersionId } from "./ids.ts";

const images = { type: "array", items: { type: "string", format: "uri" } };
const image = { type: "string", format: "uri" };

const FLUX_RATIOS = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"];
const KONTEXT_RATIOS = [
  "match_input_image",
  "1:1",
  "16:9",
  "9:16",
  "4:3",
  "3:4",
  "3:2",
  "2:3",
  "4:5",
  "5:4",
  "21:9",
  "9:21",
  "2:1",
  "1:2",
];
const QWEN_RATIOS = ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"];
const IMAGEN_RATIOS = ["1:1", "9:16", "16:9", "3:4", "4:3"];
const SD3_RATIOS = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "9:16", "9:21"];

const uri = (description: string): CogField => ({ type: "string", format: "uri", description });
const int = (description: string, bounds: Partial<CogField> = {}): CogField => ({
  type: "integer",
  description,
  ...bounds,
});
const num = (description: string, bounds: Partial<CogField> = {}): CogField => ({
  type: "number",
  description,
  ...bounds,
});
const bool = (description: string, value: boolean): CogField => ({
  type: "boolean",
  description,
  default: value,
});
const choice = (description: string, choices: string[], value: string): CogField => ({
  type: "string",
  description,
  choices,
  default: value,
});
const seed: CogField = int("Random seed. Set for reproducible generation");
const outputQuality = (value: number) =>
  int("Quality when saving the output images, from 0 to 100. Not relevant for .png outputs", {
    default: value,
    minimum: 0,
    maximum: 100,
  });
const numOutputs = int("Number of outputs to generate", { default: 1, minimum: 1, maximum: 4 });
const loraWeights: CogField = {
  type: "string",
  description:
    "Load LoRA weights: Replicate models (<owner>/<model> or <owner>/<model>/<version>), HuggingFace or CivitAI URLs, or .safetensors URLs",
};

/** black-forest-labs/flux-schnell. */
const fluxSchnell: CogSignature = {
  fields: {
    prompt: { type: "string", description: "Prompt for generated image" },
    aspect_ratio: choice("Aspect ratio for the generated image", FLUX_RATIOS, "1:1"),
    num_outputs: numOutputs,
    num_inference_steps: int("Number of denoising steps. 4 is recommended", {
      default: 4,
      minimum: 1,
      maximum: 4,
    }),
    seed,
    output_format: choice("Format of the output images", ["webp", "jpg", "png"], "webp"),
    output_quality: outputQuality(80),
    disable_safety_checker: bool("Disable safety checker for generated images.", false),
    go_fast: bool("Run faster predictions with model optimized for speed (currently fp8 quantized)", true),
    megapixels: choice("Approximate number of megapixels for generated image", ["1", "0.25"], "1"),
  },
  required: ["prompt"],
  output: images,
};

/** black-forest-labs/flux-dev. */
const fluxDev: CogSignature = {
  fields: {
    prompt: { type: "string", description: "Prompt for generated image" },
    aspect_ratio: choice("Aspect ratio for the generated image", FLUX_RATIOS, "1:1"),
    image: uri("Input image for image to image mode. The aspect ratio of your output will match this image"),
    prompt_strength: num("Prompt strength when using img2img", { default: 0.8, minimum: 0, maximum: 1 }),
    num_outputs: numOutputs,
    num_inference_steps: int("Number of denoising steps. Recommended range is 28-50", {
      default: 28,
      minimum: 1,
      maximum: 50,
    }),
    guidance: num("Guidance for generated image", { default: 3, minimum: 0, maximum: 10 }),
    seed,
    output_format: choice("Format of the output images", ["webp", "jpg", "png"], "webp"),
    output_quality: outputQuality(80),
    disable_safety_checker: bool("Disable safety checker for generated images.", false),
    go_fast: bool("Run faster predictions with model optimized for speed (currently fp8 quantized)", true),
    megapixels: choice("Approximate number of megapixels for generated image", ["1", "0.25"], "1"),
  },
  required: ["prompt"],
  output: images,
};

/** The flux-dev-lora family: the base model's inputs plus one LoRA and its strength. */
const withLora = (base: CogSignature): CogSignature => ({
  ...base,
  fields: {
    ...base.fields,
    lora_weights: loraWeights,
    lora_scale: num("Determines how strongly the main LoRA should be applied", {
      default: 1,
      minimum: -1,
      maximum: 3,
    }),
  },
});

/** black-forest-labs/flux-kontext-pro and -max. */
const fluxKontext: CogSignature = {
  fields: {
    prompt: {
      type: "string",
      description:
        "Text description of what you want to generate, or the instruction on how to edit the given image.",
    },
    input_image: uri("Image to use as reference. Must be jpeg, png, gif, or webp."),
    aspect_ratio: choice(
      "Aspect ratio of the generated image. Use 'match_input_image' to match the aspect ratio of the input image.",
      KONTEXT_RATIOS,
      "match_input_image",
    ),
    prompt_upsampling: bool("Automatic prompt improvement", false),
    seed,
    output_format: choice("Output format for the generated image", ["jpg", "png"], "png"),
    safety_tolerance: int("Safety tolerance, 0 is most strict and 6 is most permissive", {
      default: 2,
      minimum: 0,
      maximum: 6,
    }),
  },
  required: ["prompt"],
  output: image,
};

/** qwen/qwen-image. */
const qwenImage: CogSignature = {
  fields: {
    prompt: { type: "string", description: "Prompt for generated image" },
    enhance_prompt: bool("Enhance the prompt with positive magic", false),
    lora_weights: loraWeights,
    lora_scale: num("Determines how strongly the main LoRA should be applied", { default: 1 }),
    image: uri("Input image for img2img pipeline"),
    strength: num("Strength for img2img pipeline", { default: 0.9, minimum: 0, maximum: 1 }),
    negative_prompt: { type: "string", description: "Negative prompt for generated image", default: " " },
    aspect_ratio: choice("Aspect ratio for the generated image", QWEN_RATIOS, "16:9"),
    image_size: choice(
      "Image size for the generated image",
      ["optimize_for_quality", "optimize_for_speed"],
      "optimize_for_quality",
    ),
    go_fast: bool("Run faster predictions with additional optimizations.", true),
    num_inference_steps: int("Number of denoising steps", { default: 30, minimum: 1, maximum: 50 }),
    guidance: num("Guidance for generated image", { default: 3, minimum: 0, maximum: 10 }),
    seed,
    output_format: choice("Format of the output images", ["webp", "jpg", "png"], "webp"),
    output_quality: outputQuality(80),
    disable_safety_checker: bool("Disable safety checker for generated images.", false),
  },
  required: ["prompt"],
  output: images,
};

/** google/imagen-4-ultra. */
const imagen4Ultra: CogSignature = {
  fields: {
    prompt: { type: "string", description: "Text prompt for image generation" },
    aspect_ratio: choice("Aspect ratio of the generated image", IMAGEN_RATIOS, "1:1"),
    safety_filter_level: choice(
      "block_low_and_above is strictest, block_only_high is most permissive",
      ["block_low_and_above", "block_medium_and_above", "block_only_high"],
      "block_only_high",
    ),
    output_format: choice("Format of the output image", ["jpg", "png"], "jpg"),
  },
  required: ["prompt"],
  output: image,
};

/** stability-ai/sdxl. */
const sdxl: CogSignature = {
  fields: {
    prompt: { type: "string", description: "Input prompt", default: "An astronaut riding a rainbow unicorn" },
    negative_prompt: { type: "string", description: "Input Negative Prompt", default: "" },
    image: uri("Input image for img2img or inpaint mode"),
    mask: uri("Input mask for inpaint mode. Black areas will be preserved, white areas will be inpainted."),
    width: int("Width of output image", { default: 1024 }),
    height: int("Height of output image", { default: 1024 }),
    num_outputs: int("Number of images to output.", { default: 1, minimum: 1, maximum: 4 }),
    scheduler: choice(
      "scheduler",
      ["DDIM", "DPMSolverMultistep", "HeunDiscrete", "KarrasDPM", "K_EULER_ANCESTRAL", "K_EULER", "PNDM"],
      "K_EULER",
    ),
    num_inference_steps: int("Number of denoising steps", { default: 50, minimum: 1, maximum: 500 }),
    guidance_scale: num("Scale for classifier-free guidance", { default: 7.5, minimum: 1, maximum: 50 }),
    prompt_strength: num("Prompt strength when using img2img / inpaint", {
      default: 0.8,
      minimum: 0,
      maximum: 1,
    }),
    seed: int("Random seed. Leave blank to randomize the seed"),
    refine: choice(
      "Which refine style to use",
      ["no_refiner", "expert_ensemble_refiner", "base_image_refiner"],
      "no_refiner",
    ),
    high_noise_frac: num("For expert_ensemble_refiner, the fraction of noise to use", {
      default: 0.8,
      minimum: 0,
      maximum: 1,
    }),
    refine_steps: int("For base_image_refiner, the number of steps to refine"),
    apply_watermark: bool("Applies a watermark to enable determining if an image is generated", true),
    lora_scale: num("LoRA additive scale. Only applicable on trained models.", {
      default: 0.6,
      minimum: 0,
      maximum: 1,
    }),
    replicate_weights: { type: "string", description: "Replicate LoRA weights to use." },
    disable_safety_checker: bool("Disable safety checker for generated images.", false),
  },
  output: images,
};

/** stability-ai/stable-diffusion-3. */
const sd3: CogSignature = {
  fields: {
    prompt: { type: "string", description: "Input prompt", default: "" },
    aspect_ratio: choice("The aspect ratio of your output image", SD3_RATIOS, "1:1"),
    image: uri("Input image for image to image mode. The aspect ratio of your output will match this image."),
    prompt_strength: num("Prompt strength (or denoising strength) when using image to image", {
      default: 0.85,
      minimum: 0,
      maximum: 1,
    }),
    cfg: num("The guidance scale tells the model how similar the output should be to the prompt.", {
      default: 3.5,
      minimum: 0,
      maximum: 20,
    }),
    steps: int("Number of steps to run the sampler for.", { default: 28, minimum: 1, maximum: 28 }),
    seed: int("Set a seed for reproducibility. Random by default."),
    negative_prompt: {
      type: "string",
      description: "Negative prompts do not really work in SD3.",
      default: "",
    },
    output_format: choice("Format of the output images", ["webp", "jpg", "png"], "webp"),
    output_quality: int("Quality of the output images, from 0 to 100.", {
      default: 90,
      minimum: 0,
      maximum: 100,
    }),
  },
  output: images,
};

interface ImageModel {
  owner: string;
  name: string;
  description: string;
  signature: CogSignature;
  behaviour: Behaviour;
  /** Official models run by name and hide their version. */
  isOfficial: boolean;
}

const official = (owner: string, name: string, description: string, signature: CogSignature) =>
  ({ owner, name, description, signature, behaviour: "flux", isOfficial: true }) as const;

const MODELS: ImageModel[] = [
  official("black-forest-labs", "flux-dev", "FLUX.1 [dev] (fake)", fluxDev),
  official("black-forest-labs", "flux-schnell", "FLUX.1 [schnell] (fake)", fluxSchnell),
  official("black-forest-labs", "flux-dev-lora", "FLUX.1 [dev] with a LoRA (fake)", withLora(fluxDev)),
  official(
    "black-forest-labs",
    "flux-schnell-lora",
    "FLUX.1 [schnell] with a LoRA (fake)",
    withLora(fluxSchnell),
  ),
  official(
    "black-forest-labs",
    "flux-kontext-pro",
    "FLUX.1 Kontext [pro], image editing (fake)",
    fluxKontext,
  ),
  official(
    "black-forest-labs",
    "flux-kontext-max",
    "FLUX.1 Kontext [max], image editing (fake)",
    fluxKontext,
  ),
  official("qwen", "qwen-image", "Qwen-Image (fake)", qwenImage),
  official("google", "imagen-4-ultra", "Imagen 4 Ultra (fake)", imagen4Ultra),
  {
    owner: "stability-ai",
    name: "sdxl",
    description: "Stable Diffusion XL (fake)",
    signature: sdxl,
    behaviour: "sdxl",
    isOfficial: false,
  },
  {
    owner: "stability-ai",
    name: "stable-diffusion-3",
    description: "Stable Diffusion 3 (fake)",
    signature: sd3,
    behaviour: "flux",
    isOfficial: false,
  },
];

export function addImageModels(catalog: Catalog): void {
  for (const { owner, name, description, signature, behaviour, isOfficial } of MODELS) {
    const model = catalog.createModel({
      owner,
      name,
      description,
      visibility: "public",
      hardware: "gpu-h100",
      isOfficial,
    });
    catalog.addVersion(model, cogOpenApiSchema(signature), behaviour, fixedVersionId(`${owner}/${name}`));
  }
}
