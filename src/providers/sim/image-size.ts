import type { ASPECT_RATIOS } from "./models.ts";

const DEFAULT_SIDE = 512;

export interface ImageSizeInput {
  width?: number | undefined;
  height?: number | undefined;
  aspect_ratio?: (typeof ASPECT_RATIOS)[number] | undefined;
}

/**
 * Explicit sizes win. Otherwise an aspect ratio fixes the missing side (or both, keeping about
 * 512x512 pixels, in multiples of 8); without one the image is square.
 */
export function resolveImageSize(input: ImageSizeInput): { width: number; height: number } {
  const { width, height, aspect_ratio } = input;
  if (width !== undefined && height !== undefined) return { width, height };
  if (aspect_ratio === undefined) {
    const side = width ?? height ?? DEFAULT_SIDE;
    return { width: side, height: side };
  }
  const [w = 1, h = 1] = aspect_ratio.split(":").map(Number);
  if (width !== undefined) return { width, height: clampSide((width * h) / w) };
  if (height !== undefined) return { width: clampSide((height * w) / h), height };
  const scale = Math.sqrt((DEFAULT_SIDE * DEFAULT_SIDE) / (w * h));
  return { width: clampSide(w * scale), height: clampSide(h * scale) };
}

function clampSide(side: number): number {
  return Math.min(2048, Math.max(64, Math.round(side / 8) * 8));
}
