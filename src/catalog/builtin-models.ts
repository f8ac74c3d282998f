/**
 * The aliases gengate knows without configuration, served by Replicate's public models (and first
 * by the local provider where a real offline model exists). Capabilities and renamings follow each
 * model's published input schema; a parameter a model's schema does not list is handled by the
 * alias's `onUnsupported` rule. The configuration file may add aliases or replace these by name.
 *
 * The seed's three fallback rules are built in:
 * - a request a model cannot serve goes to one that can: a reference image sent to flux-dev goes
 *   to FLUX Kontext [max], then [pro]; LoRAs go to the flux-dev-lora family;
 * - a parameter a model does not take moves the request on: FLUX Kontext falls back to flux-dev,
 *   which takes `guidance` and several outputs;
 * - a failed run moves down flux-dev → qwen-image → imagen-4-ultra; the last of the chain drops
 *   what it does not take, with a warning, rather than fail.
 */
import type { AliasInput, CapabilitiesInput } from "./catalog-config.ts";
import type { PromptFamily } from "./prompt-templates.ts";

const FLUX_RATIOS = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"];
/** Besides `match_input_image`, Kontext's default, which follows the reference image. */
const KONTEXT_RATIOS = [
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
const FORMATS = ["webp", "jpg", "png"];

/** LoRAs made for FLUX.1 run on FLUX.1 models only. */
const FLUX_LORAS = { loras: true, loraBase: "FLUX.1" } as const;
const withReferenceImage = { field: "reference_image", present: true };
const withLoras = { field: "loras", present: true };

function replicate(model: string, capabilities: CapabilitiesInput, params: Record<string, string> = {}) {
  return { provider: "replicate", model, capabilities, params };
}

const flux = (model: string, loras = {}) =>
  replicate(
    model,
    { sizeForm: "aspect_ratio", aspectRatios: FLUX_RATIOS, maxOutputs: 4, formats: FORMATS, ...loras },
    { steps: "num_inference_steps" },
  );
const kontext = (model: string) =>
  replicate(
    model,
    {
      referenceImage: true,
      sizeForm: "aspect_ratio",
      aspectRatios: KONTEXT_RATIOS,
      maxOutputs: 1,
      formats: ["jpg", "png"],
    },
    { reference_image: "input_image" },
  );
/** An image tool; tools take their image as `image` or `reference_image`, whatever the model calls it. */
const imageTool = (model: string, imageParam: string) =>
  replicate(model, { referenceImage: true }, { reference_image: imageParam, image: imageParam });
/** A tool the local provider runs offline on the CPU; parameters it lacks send the request on. */
const localTool = (model: string) => ({
  provider: "local",
  model,
  capabilities: { referenceImage: true },
  params: { reference_image: "image" },
});
const text = (model: string, promptTemplate: PromptFamily, params: Record<string, string>) =>
  replicate(model, { streaming: true, promptTemplate }, params);

export const BUILTIN_MODELS: Record<string, AliasInput> = {
  "flux-dev": {
    description: "FLUX.1 [dev], text to image; with a reference image FLUX Kontext, with LoRAs flux-dev-lora",
    strategy: "conditional",
    targets: [
      flux("black-forest-labs/flux-dev"),
      { ...kontext("black-forest-labs/flux-kontext-max"), when: withReferenceImage },
      { ...kontext("black-forest-labs/flux-kontext-pro"), when: withReferenceImage },
      { ...flux("black-forest-labs/flux-dev-lora", FLUX_LORAS), when: withLoras },
    ],
    fallback: "qwen-image",
  },
  "flux-schnell": {
    description: "FLUX.1 [schnell], fast text to image; with LoRAs flux-schnell-lora",
    strategy: "conditional",
    targets: [
      flux("black-forest-labs/flux-schnell"),
      { ...flux("black-forest-labs/flux-schnell-lora", FLUX_LORAS), when: withLoras },
    ],
  },
  "flux-kontext-pro": {
    description: "FLUX.1 Kontext [pro], image editing from a reference image and a prompt",
    targets: [kontext("black-forest-labs/flux-kontext-pro")],
    fallback: "flux-dev",
  },
  "flux-kontext-max": {
    description: "FLUX.1 Kontext [max], image editing from a reference image and a prompt",
    targets: [kontext("black-forest-labs/flux-kontext-max")],
    fallback: "flux-dev",
  },
  "qwen-image": {
    description: "Qwen-Image, text to image with good text rendering",
    targets: [
      replicate(
        "qwen/qwen-image",
        {
          referenceImage: true,
          loras: true,
          loraBase: "Qwen-Image",
          sizeForm: "aspect_ratio",
          aspectRatios: QWEN_RATIOS,
          maxOutputs: 1,
          formats: FORMATS,
        },
        { reference_image: "image", steps: "num_inference_steps" },
      ),
    ],
    fallback: "imagen-4-ultra",
  },
  "imagen-4-ultra": {
    description: "Google Imagen 4 Ultra, text to image",
    onUnsupported: "drop",
    targets: [
      replicate("google/imagen-4-ultra", {
        sizeForm: "aspect_ratio",
        aspectRatios: IMAGEN_RATIOS,
        maxOutputs: 1,
        formats: ["jpg", "png"],
      }),
    ],
  },
  sdxl: {
    description: "Stable Diffusion XL, text or image to image",
    targets: [
      replicate(
        "stability-ai/sdxl",
        { referenceImage: true, mask: true, sizeForm: "width_height", sizeMultipleOf: 8, maxOutputs: 4 },
        { reference_image: "image", steps: "num_inference_steps", guidance: "guidance_scale" },
      ),
    ],
  },
  "sd-3": {
    description: "Stable Diffusion 3, text to image",
    targets: [
      replicate(
        "stability-ai/stable-diffusion-3",
        {
          referenceImage: true,
          sizeForm: "aspect_ratio",
          aspectRatios: SD3_RATIOS,
          maxOutputs: 1,
          formats: FORMATS,
        },
        { reference_image: "image", guidance: "cfg" },
      ),
    ],
  },
  inpaint: {
    description:
      "Stable Diffusion inpainting: repaints the white part of a mask over an image, from a prompt",
    targets: [
      replicate(
        "stability-ai/stable-diffusion-inpainting",
        { referenceImage: true, mask: true, sizeForm: "width_height", sizeMultipleOf: 64, maxOutputs: 4 },
        { reference_image: "image", steps: "num_inference_steps", guidance: "guidance_scale" },
      ),
    ],
  },
  "remove-background": {
    description: "Removes the background of an image (offline with ISNet, else on Replicate)",
    targets: [localTool("local/remove-background"), imageTool("bria/remove-background", "image")],
  },
  upscale: {
    description:
      "Upscales an image 2x or 4x (offline with ESRGAN, else Real-ESRGAN on Replicate, which also enhances faces)",
    targets: [localTool("local/upscale"), imageTool("nightmareai/real-esrgan", "image")],
  },
  "restore-face": {
    description: "Restores faces in old or blurry photos (GFPGAN)",
    targets: [imageTool("tencentarc/gfpgan", "img")],
  },
  colorize: {
    description: "Colorizes black-and-white photos",
    targets: [imageTool("piddnad/ddcolor", "image")],
  },
  "gemma-2b-it": {
    description: "Gemma 2B instruct, text",
    targets: [text("google-deepmind/gemma-2b-it", "gemma", { max_tokens: "max_new_tokens" })],
  },
  "llama-3-8b-instruct": {
    description: "Meta Llama 3 8B instruct, text",
    targets: [text("meta/meta-llama-3-8b-instruct", "llama3", { stop: "stop_sequences" })],
  },
};
