/** ComfyUI's default text-to-image graph in API format, as worker-comfyui takes it. */
import type { GenerationParams } from "./generation-params.ts";

export const DEFAULT_CHECKPOINT = "sd_xl_base_1.0.safetensors";

export function txt2imgWorkflow(params: GenerationParams, checkpoint: string): Record<string, unknown> {
  return {
    "3": {
      class_type: "KSampler",
      inputs: {
        seed: params.seed,
        steps: params.steps,
        cfg: params.guidance,
        sampler_name: params.sampler ?? "euler",
        scheduler: params.scheduler ?? "normal",
        denoise: 1,
        model: ["4", 0],
        positive: ["6", 0],
        negative: ["7", 0],
        latent_image: ["5", 0],
      },
    },
    "4": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: checkpoint } },
    "5": {
      class_type: "EmptyLatentImage",
      inputs: { width: params.width, height: params.height, batch_size: params.numOutputs },
    },
    "6": { class_type: "CLIPTextEncode", inputs: { text: params.prompt, clip: ["4", 1] } },
    "7": { class_type: "CLIPTextEncode", inputs: { text: params.negativePrompt, clip: ["4", 1] } },
    "8": { class_type: "VAEDecode", inputs: { samples: ["3", 0], vae: ["4", 2] } },
    "9": { class_type: "SaveImage", inputs: { filename_prefix: "gengate", images: ["8", 0] } },
  };
}
