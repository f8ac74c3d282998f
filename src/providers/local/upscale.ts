/**
 * local/upscale: ESRGAN (slim for `balanced`, medium for `quality`) or Lanczos (`fast`). An alpha
 * channel is resampled with Lanczos beside the model's colour.
 */
import { encodeImage } from "./encode.ts";
import type { Esrgan } from "./esrgan.ts";
import type { Pixels, ToolJob, ToolResult } from "./job.ts";
import type { ModelFiles, UpscaleModel } from "./model-files.ts";
import { channelOf, resized, rgbOf, withAlpha } from "./pixels.ts";

type UpscaleJob = Extract<ToolJob, { tool: "upscale" }>;

const MODEL_OF: Record<Exclude<UpscaleJob["quality"], "fast">, UpscaleModel> = {
  balanced: "esrgan-slim",
  quality: "esrgan-medium",
};

/** `stopping` tells when to give up (between two tiles of ESRGAN). */
async function upscaled(
  job: UpscaleJob,
  files: ModelFiles,
  esrgan: Esrgan,
  stopping: () => boolean,
): Promise<Pixels> {
  const { image, scale } = job;
  const lanczos = (pixels: Pixels) =>
    resized(pixels, pixels.width * scale, pixels.height * scale, "lanczos3");
  if (job.quality === "fast") return lanczos(image);
  const folder = files.esrgan[MODEL_OF[job.quality]][scale];
  const colour = await esrgan.upscale(rgbOf(image), folder, scale, stopping);
  return image.channels === 3 ? colour : withAlpha(colour, await lanczos(channelOf(image, 3)));
}

export async function upscale(
  job: UpscaleJob,
  files: ModelFiles,
  esrgan: Esrgan,
  stopping: () => boolean,
): Promise<ToolResult> {
  const result = await upscaled(job, files, esrgan, stopping);
  const how = job.quality === "fast" ? "Lanczos" : MODEL_OF[job.quality];
  return {
    files: { image: await encodeImage(result, job.format) },
    logs: `${how} ×${job.scale}: ${job.image.width}×${job.image.height} → ${result.width}×${result.height}\n`,
  };
}
