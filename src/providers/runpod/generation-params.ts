/** gengate's normalised image parameters, read from a validated input, with presets applied. */
import { randomInt } from "node:crypto";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";

/** ComfyUI's names; the A1111 mapping translates them. */
export const SAMPLERS = [
  "euler",
  "euler_ancestral",
  "heun",
  "dpm_2",
  "dpm_2_ancestral",
  "lms",
  "dpmpp_2m",
  "dpmpp_sde",
  "dpmpp_2m_sde",
  "ddim",
  "uni_pc",
] as const;
export const SCHEDULERS = [
  "normal",
  "karras",
  "exponential",
  "sgm_uniform",
  "simple",
  "ddim_uniform",
  "beta",
] as const;
export const OUTPUT_FORMATS = ["png", "jpg", "webp"] as const;

export type Sampler = (typeof SAMPLERS)[number];
export type Scheduler = (typeof SCHEDULERS)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface GenerationParams {
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  steps: number;
  guidance: number;
  /** -1: random. */
  seed: number;
  sampler: Sampler | undefined;
  scheduler: Scheduler | undefined;
  numOutputs: number;
  format: OutputFormat;
}

export interface Presets {
  positive?: string | undefined;
  negative?: string | undefined;
}

/** What the worker kind decides when the input leaves it open. */
export interface ParamDefaults {
  size: number;
  steps: number;
  guidance: number;
  /** The worker reads seed -1 as "random"; otherwise gengate picks the seed. */
  randomSeedUpstream: boolean;
}

const inputSchema = z.looseObject({
  prompt: z.string(),
  negative_prompt: z.string().optional(),
  width: z.int().optional(),
  height: z.int().optional(),
  steps: z.int().optional(),
  guidance: z.number().optional(),
  cfg_scale: z.number().optional(),
  seed: z.int().optional(),
  sampler: z.enum(SAMPLERS).optional(),
  scheduler: z.enum(SCHEDULERS).optional(),
  num_outputs: z.int().positive().optional(),
  use_enhanced_prompts: z.boolean().optional(),
  output_format: z.enum(OUTPUT_FORMATS).optional(),
});

/** gengate's parameter names; any other input field is the worker's own and passes through to it. */
export const GENERATION_PARAM_NAMES: ReadonlySet<string> = new Set(Object.keys(inputSchema.shape));

export function generationParams(
  input: Record<string, unknown>,
  defaults: ParamDefaults,
  presets: Presets = {},
): GenerationParams {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GatewayError("invalid_input", `input.${issue?.path.join(".")}: ${issue?.message}`);
  }
  const v = parsed.data;
  const enhance = v.use_enhanced_prompts !== false;
  const join = (...parts: Array<string | undefined>) => parts.filter((part) => part?.trim()).join(", ");
  const seed = v.seed ?? -1;
  return {
    prompt: enhance ? join(v.prompt, presets.positive) : v.prompt,
    negativePrompt: join(v.negative_prompt, enhance ? presets.negative : undefined),
    width: v.width ?? defaults.size,
    height: v.height ?? defaults.size,
    steps: v.steps ?? defaults.steps,
    guidance: v.guidance ?? v.cfg_scale ?? defaults.guidance,
    seed: seed === -1 && !defaults.randomSeedUpstream ? randomInt(2 ** 32) : seed,
    sampler: v.sampler,
    scheduler: v.scheduler,
    numOutputs: v.num_outputs ?? 1,
    format: v.output_format ?? "png",
  };
}
