/**
 * RunPod's public Flux endpoints: `{prompt, width, height, num_inference_steps, guidance, seed,
 * image_format}` in, `{image_url, cost}` out, the image served from another origin (reference A.11).
 */
import { z } from "zod";
import { makeImage, randomSeed } from "../images.ts";
import type { FakeWorker } from "./worker.ts";

const side = (name: string) =>
  z
    .int(`Invalid parameter: ${name} must be an integer`)
    .min(256, `Invalid parameter: ${name} must be at least 256`)
    .max(1536, `Invalid parameter: ${name} must be at most 1536`)
    .multipleOf(64, `Invalid parameter: ${name} must be divisible by 64`)
    .default(1024);

const fluxInput = z.looseObject({
  prompt: z.string("Invalid parameter: prompt is required").min(1, "Invalid parameter: prompt is required"),
  negative_prompt: z.string().optional(),
  width: side("width"),
  height: side("height"),
  num_inference_steps: z
    .int()
    .min(1, "Invalid parameter: num_inference_steps must be between 1 and 8")
    .max(8, "Invalid parameter: num_inference_steps must be between 1 and 8")
    .default(4),
  guidance: z.number().min(0).max(10, "Invalid parameter: guidance must be between 0 and 10").default(3.5),
  seed: z.int().default(-1),
  image_format: z.enum(["png", "jpeg"], "Invalid parameter: image_format must be png or jpeg").default("png"),
});

export const fluxWorker: FakeWorker = async (input, { files }) => {
  const parsed = fluxInput.safeParse(input);
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid input" };
  const p = parsed.data;
  const seed = p.seed === -1 ? randomSeed() : p.seed;
  const data = await makeImage({ ...p, format: p.image_format, seed, index: 0 });
  return { output: { image_url: files.put(data, `output.${p.image_format}`), cost: 0.0025 } };
};
