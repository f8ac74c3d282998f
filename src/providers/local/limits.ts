/**
 * How large an input image each tool takes, as a square side (a side of 1024 allows 1024×1024
 * pixels in any shape). ESRGAN's time grows with the pixels: at its caps one image takes up to
 * about 40 s (slim) or 55 s (medium) on one core of the machine measured in BENCHMARKS.md, so a
 * request stays within a minute. Lanczos and ISNet (which always infers at 1024×1024) cost little;
 * their caps bound decoding and encoding memory (outputs of at most 4096×4096).
 */
import type { ToolOptions, UpscaleQuality } from "./job.ts";
import type { Scale } from "./model-files.ts";

export const CUTOUT_MAX_SIDE = 4096;
export const UPSCALE_MAX_SIDE: Record<UpscaleQuality, Record<Scale, number>> = {
  balanced: { 2: 1024, 4: 512 },
  quality: { 2: 768, 4: 512 },
  fast: { 2: 2048, 4: 1024 },
};

/** The largest square side a job's input may have. */
export function maxInputSide(options: ToolOptions): number {
  if (options.tool === "remove-background") return CUTOUT_MAX_SIDE;
  return UPSCALE_MAX_SIDE[options.quality][options.scale];
}
