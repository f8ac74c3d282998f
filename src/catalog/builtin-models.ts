/**
 * The aliases gengate knows without configuration, served by Replicate's public models. The
 * configuration file may add aliases or replace these by name.
 */
import type { AliasInput, CapabilitiesInput } from "./catalog-config.ts";
import type { PromptFamily } from "./prompt-templates.ts";

const FLUX_RATIOS = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"];
const IMAGEN_RATIOS = ["1:1", "9:16", "16:9", "3:4", "4:3"];

function replicate(
  model: string,
  capabilities: CapabilitiesInput,
  params: Record<string, string | null> = {},
) {
  return { provider: "replicate", model, capabilities, params };
}

const noImageInputs = { reference_image: null, mask: null, loras: null };
const flux = (model: string, maxSteps: string) =>
  replicate(
    model,
    { sizeForm: "aspect_ratio", aspectRatios: FLUX_RATIOS, maxOutputs: 4, formats: ["webp", "jpg", "png"] },
    { ...noImageInputs, negative_prompt: null, steps: maxSteps, width: null, height: null },
  );
const imageTool = (model: string, imageParam: string, params: Record<string, string | null> = {}) =>
  replicate(model, { referenceImage: true }, { reference_image: imageParam, ...params });
/** A tool the local provider runs offline on the CPU; parameters it lacks send the request on. */
const localTool = (model: string, params: Record<string, string | null> = {}) => ({
  provider: "local",
  model,
  capabilities: { referenceImage: true },
  params: { reference_image: "image", ...params },
});
const text = (model: string, promptTemplate: PromptFamily, params: Record<string, string | null>) =>
  replicate(model, { streaming: true, promptTemplate }, { ...noImageInputs, ...params });

export const BUILTIN_MODELS: Record<string, AliasInput> = {
  "flux-dev": {
    description: "FLUX.1 [dev], text to image",
    targets: [flux("black-forest-labs/flux-dev", "num_inference_steps")],
    fallback: "qwen-image",
  },
  "flux-schnell": {
    description: "FLUX.1 [schnell], fast text to image",
    targets: [flux("black-forest-labs/flux-schnell", "num_inference_steps")],
  },
  "flux-kontext-pro": {
    description: "FLUX.1 Kontext [pro], image editing from a reference image and a prompt",
    targets: [
      replicate(
        "black-forest-labs/flux-kontext-pro",
        { referenceImage: true, sizeForm: "aspect_ratio", aspectRatios: FLUX_RATIOS, maxOutputs: 1 },
        { reference_image: "input_image", mask: null, loras: null, negative_prompt: null },
      ),
    ],
  },
  "flux-kontext-max": {
    description: "FLUX.1 Kontext [max], image editing from a reference image and a prompt",
    targets: [
      replicate(
        "black-forest-labs/flux-kontext-max",
        { referenceImage: true, sizeForm: "aspect_ratio", aspectRatios: FLUX_RATIOS, maxOutputs: 1 },
        { reference_image: "input_image", mask: null, loras: null, negative_prompt: null },
      ),
    ],
  },
  "qwen-image": {
    description: "Qwen-Image, text to image with good text rendering",
    targets: [
      replicate(
        "qwen/qwen-image",
        { sizeForm: "aspect_ratio", aspectRatios: ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"] },
        { reference_image: "image", mask: null, steps: "num_inference_steps", width: null, height: null },
      ),
    ],
    fallback: "imagen-4-ultra",
  },
  "imagen-4-ultra": {
    description: "Google Imagen 4 Ultra, text to image",
    targets: [
      replicate(
        "google/imagen-4-ultra",
        { sizeForm: "aspect_ratio", aspectRatios: IMAGEN_RATIOS, maxOutputs: 1, formats: ["jpg", "png"] },
        { ...noImageInputs, negative_prompt: null, seed: null, steps: null, guidance: null, width: null },
      ),
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
        { referenceImage: true, sizeForm: "aspect_ratio", aspectRatios: FLUX_RATIOS, maxOutputs: 1 },
        { reference_image: "image", mask: null, steps: "steps", guidance: "cfg", width: null, height: null },
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
    targets: [
      localTool("local/upscale", { face_enhance: null }),
      imageTool("nightmareai/real-esrgan", "image"),
    ],
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
