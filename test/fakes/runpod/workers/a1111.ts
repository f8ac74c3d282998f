/**
 * worker-a1111: `input` goes verbatim to A1111's `POST /sdapi/v1/txt2img`; the handler returns
 * A1111's JSON, `{images: [base64 png…], parameters, info}` (reference A.11). Invalid input makes
 * A1111 answer 422, whose `{detail}` body the handler returns as output: the job COMPLETES with
 * no images.
 */
import { z } from "zod";
import { type FakeImageFormat, makeImage, randomSeed } from "../images.ts";
import type { FakeWorker } from "./worker.ts";

const txt2img = z.looseObject({
  prompt: z.string().default(""),
  negative_prompt: z.string().default(""),
  width: z.int().min(64).max(2048).default(512),
  height: z.int().min(64).max(2048).default(512),
  steps: z.int().min(1).max(150).default(20),
  cfg_scale: z.number().default(7),
  sampler_name: z.string().default("Euler"),
  scheduler: z.string().optional(),
  seed: z.int().default(-1),
  batch_size: z.int().min(1).max(8).default(1),
  n_iter: z.int().min(1).max(8).default(1),
  override_settings: z
    .looseObject({ samples_format: z.enum(["png", "jpg", "jpeg", "webp"]).optional() })
    .default({}),
});

const FORMATS: Record<string, FakeImageFormat> = { png: "png", jpg: "jpeg", jpeg: "jpeg", webp: "webp" };

export const a1111Worker: FakeWorker = async (input) => {
  const parsed = txt2img.safeParse(input);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => ({
      loc: ["body", ...issue.path.map(String)],
      msg: issue.message,
      type: issue.code,
    }));
    return { output: { detail } };
  }
  const p = parsed.data;
  const seed = p.seed === -1 ? randomSeed() : p.seed;
  const count = p.batch_size * p.n_iter;
  const format = FORMATS[p.override_settings.samples_format ?? "png"] ?? "png";
  const images = await Promise.all(
    Array.from({ length: count }, async (_, index) =>
      (await makeImage({ width: p.width, height: p.height, format, prompt: p.prompt, seed, index })).toString(
        "base64",
      ),
    ),
  );
  const info = {
    prompt: p.prompt,
    negative_prompt: p.negative_prompt,
    seed,
    all_seeds: images.map((_, index) => seed + index),
    width: p.width,
    height: p.height,
    sampler_name: p.sampler_name,
    cfg_scale: p.cfg_scale,
    steps: p.steps,
    batch_size: p.batch_size,
  };
  return { output: { images, parameters: p, info: JSON.stringify(info) } };
};
