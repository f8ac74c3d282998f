/** What an image model is asked to make, read from its input (defaults filled in). */
import { randomInt } from "node:crypto";

export const IMAGE_CONTENT_TYPES = { webp: "image/webp", png: "image/png", jpg: "image/jpeg" } as const;
export type ImageFormat = keyof typeof IMAGE_CONTENT_TYPES;

export interface ImageJob {
  prompt: string;
  count: number;
  width: number;
  height: number;
  format: ImageFormat;
  quality: number;
  seed: number;
}

/** Models with an aspect ratio render small: the short side of their images, whatever the ratio. */
const FLUX_SHORT_SIDE = 64;

/** The input image of an img2img or editing model: `image`, or `input_image` (FLUX Kontext). */
export function imageInputOf(input: Record<string, unknown>): string | null {
  const url = input.image ?? input.input_image;
  return typeof url === "string" ? url : null;
}

/**
 * "flux": models that take an aspect ratio (`match_input_image`, or none, with an input image
 * follows the input image; without one it is square); "sdxl": models that take width and height and make PNGs.
 */
export function imageJob(
  behaviour: "flux" | "sdxl",
  input: Record<string, unknown>,
  base: { width?: number; height?: number } | null,
): ImageJob {
  const common = {
    prompt: String(input.prompt),
    count: typeof input.num_outputs === "number" ? input.num_outputs : 1,
    seed: typeof input.seed === "number" ? input.seed : randomInt(2 ** 31),
  };
  if (behaviour === "flux") {
    // with no input image to match, a ratio that follows it means square
    const ratio = input.aspect_ratio === "match_input_image" ? undefined : input.aspect_ratio;
    const [across = 1, down = 1] =
      base !== null && ratio === undefined
        ? [base.width ?? 1, base.height ?? 1]
        : String(ratio ?? "1:1")
            .split(":")
            .map(Number);
    const scale = FLUX_SHORT_SIDE / Math.min(across, down);
    return {
      ...common,
      width: Math.round(across * scale),
      height: Math.round(down * scale),
      format: (input.output_format ?? "webp") as ImageFormat,
      quality: Number(input.output_quality ?? 80),
    };
  }
  return {
    ...common,
    width: Number(input.width),
    height: Number(input.height),
    format: "png",
    quality: 100,
  };
}
