/**
 * The worker kinds a RunPod endpoint can run: `vllm` serves a language model (see vllm-request.ts);
 * the image kinds map gengate's parameters onto their `input` like this (reference A.11):
 *
 * | gengate             | a1111 (txt2img body)             | comfyui (workflow node input)   | flux (public endpoint) |
 * |---------------------|----------------------------------|---------------------------------|------------------------|
 * | prompt (+ preset)   | prompt                           | CLIPTextEncode "6" text         | prompt                 |
 * | negative_prompt     | negative_prompt                  | CLIPTextEncode "7" text         | negative_prompt        |
 * | width, height       | width, height                    | EmptyLatentImage width, height  | width, height          |
 * | steps               | steps                            | KSampler steps                  | num_inference_steps    |
 * | guidance, cfg_scale | cfg_scale                        | KSampler cfg                    | guidance               |
 * | seed (-1 random)    | seed (-1)                        | KSampler seed (gengate picks)   | seed (-1)              |
 * | sampler             | sampler_name ("Euler a"…)        | KSampler sampler_name           | —                      |
 * | scheduler           | scheduler ("Karras"…)            | KSampler scheduler              | —                      |
 * | num_outputs         | batch_size (n_iter 1)            | EmptyLatentImage batch_size     | — (one image)          |
 * | output_format       | override_settings.samples_format | — (SaveImage writes png)        | image_format           |
 */
import { DEFAULT_CHECKPOINT, txt2imgWorkflow } from "./comfy-workflow.ts";
import type {
  GenerationParams,
  OutputFormat,
  ParamDefaults,
  Sampler,
  Scheduler,
} from "./generation-params.ts";

export const IMAGE_WORKER_KINDS = ["a1111", "comfyui", "flux"] as const;
export type ImageWorkerKind = (typeof IMAGE_WORKER_KINDS)[number];
export const WORKER_KIND_NAMES = [...IMAGE_WORKER_KINDS, "vllm"] as const;

export interface WorkerKindSpec {
  label: string;
  defaults: ParamDefaults;
  size: { min: number; max: number; multipleOf: number };
  maxSteps: number;
  maxGuidance: number;
  maxOutputs: number;
  formats: readonly OutputFormat[];
  /** Takes sampler and scheduler. */
  samplers: boolean;
  toInput(params: GenerationParams, options: { checkpoint?: string | undefined }): Record<string, unknown>;
}

const A1111_SAMPLERS: Record<Sampler, string> = {
  euler: "Euler",
  euler_ancestral: "Euler a",
  heun: "Heun",
  dpm_2: "DPM2",
  dpm_2_ancestral: "DPM2 a",
  lms: "LMS",
  dpmpp_2m: "DPM++ 2M",
  dpmpp_sde: "DPM++ SDE",
  dpmpp_2m_sde: "DPM++ 2M SDE",
  ddim: "DDIM",
  uni_pc: "UniPC",
};

const A1111_SCHEDULERS: Record<Scheduler, string> = {
  normal: "Normal",
  karras: "Karras",
  exponential: "Exponential",
  sgm_uniform: "SGM Uniform",
  simple: "Simple",
  ddim_uniform: "DDIM",
  beta: "Beta",
};

export const WORKER_KINDS: Readonly<Record<ImageWorkerKind, WorkerKindSpec>> = {
  a1111: {
    label: "AUTOMATIC1111 (worker-a1111)",
    defaults: { size: 1024, steps: 25, guidance: 7, randomSeedUpstream: true },
    size: { min: 64, max: 2048, multipleOf: 8 },
    maxSteps: 150,
    maxGuidance: 30,
    maxOutputs: 4,
    formats: ["png", "jpg", "webp"],
    samplers: true,
    toInput: (p) => ({
      prompt: p.prompt,
      negative_prompt: p.negativePrompt,
      width: p.width,
      height: p.height,
      steps: p.steps,
      cfg_scale: p.guidance,
      seed: p.seed,
      ...(p.sampler && { sampler_name: A1111_SAMPLERS[p.sampler] }),
      ...(p.scheduler && { scheduler: A1111_SCHEDULERS[p.scheduler] }),
      batch_size: p.numOutputs,
      n_iter: 1,
      override_settings: { samples_format: p.format },
    }),
  },
  comfyui: {
    label: "ComfyUI (worker-comfyui)",
    defaults: { size: 1024, steps: 25, guidance: 7, randomSeedUpstream: false },
    size: { min: 64, max: 2048, multipleOf: 8 },
    maxSteps: 150,
    maxGuidance: 30,
    maxOutputs: 4,
    formats: ["png"],
    samplers: true,
    toInput: (p, { checkpoint }) => ({ workflow: txt2imgWorkflow(p, checkpoint ?? DEFAULT_CHECKPOINT) }),
  },
  flux: {
    label: "Flux (RunPod public Flux endpoint)",
    defaults: { size: 1024, steps: 4, guidance: 3.5, randomSeedUpstream: true },
    size: { min: 256, max: 1536, multipleOf: 64 },
    maxSteps: 8,
    maxGuidance: 10,
    maxOutputs: 1,
    formats: ["png", "jpg"],
    samplers: false,
    toInput: (p) => ({
      prompt: p.prompt,
      ...(p.negativePrompt && { negative_prompt: p.negativePrompt }),
      width: p.width,
      height: p.height,
      num_inference_steps: p.steps,
      guidance: p.guidance,
      seed: p.seed,
      image_format: p.format === "jpg" ? "jpeg" : "png",
    }),
  },
};
