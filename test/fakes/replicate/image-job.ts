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
  /** img2img: the input image's URL. */
  imageUrl: string | null;
}

/** flux renders small: the short side of its images, whatever the aspect ratio. */
const FLUX_SHORT_SIDE = 64;

export function imageJob(behaviour: "flux" | "sdxl", input: Record<string, unknown>): ImageJob {
  const common = {
    prompt: String(input.prompt),
    count: Number(input.num_outputs),
    seed: typeof input.seed === "number" ? input.seed : randomInt(2 ** 31),
  };
  if (behaviour === "flux") {
    const [across = 1, down = 1] = String(input.aspect_ratio).split(":").map(Number);
    const scale = FLUX_SHORT_SIDE / Math.min(across, down);
    return {
      ...common,
      width: Math.round(across * scale),
      height: Math.round(down * scale),
      format: input.output_format as ImageFormat,
      quality: Number(input.output_quality),
      imageUrl: null,
    };
  }
  return {
    ...common,
    width: Number(input.width),
    height: Number(input.height),
    format: "png",
    quality: 100,
    imageUrl: typeof input.image === "string" ? input.image : null,
  };
}
