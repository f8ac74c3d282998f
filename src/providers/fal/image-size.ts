/** gengate's width, height and aspect ratio as fal's `image_size`: a preset name or `{ width, height }`. */

const PRESETS = {
  "1:1": "square_hd",
  "4:3": "landscape_4_3",
  "3:4": "portrait_4_3",
  "16:9": "landscape_16_9",
  "9:16": "portrait_16_9",
} as const;

export type AspectRatio = keyof typeof PRESETS;
export const ASPECT_RATIOS = Object.keys(PRESETS) as AspectRatio[];

export const MIN_SIDE = 64;
export const MAX_SIDE = 2048;

export interface ImageSizeInput {
  width?: number | undefined;
  height?: number | undefined;
  aspect_ratio?: AspectRatio | undefined;
}

export type FalImageSize = (typeof PRESETS)[AspectRatio] | { width: number; height: number };

/**
 * Explicit sizes win; a single side takes the other from the aspect ratio (square without one);
 * an aspect ratio alone picks fal's preset. Nothing given: the app's own default.
 */
export function falImageSize({ width, height, aspect_ratio }: ImageSizeInput): FalImageSize | undefined {
  if (width !== undefined && height !== undefined) return { width, height };
  if (width === undefined && height === undefined) return aspect_ratio && PRESETS[aspect_ratio];
  const [w = 1, h = 1] = (aspect_ratio ?? "1:1").split(":").map(Number);
  return width !== undefined
    ? { width, height: side((width * h) / w) }
    : { width: side(((height ?? MIN_SIDE) * w) / h), height: height ?? MIN_SIDE };
}

function side(length: number): number {
  return Math.min(MAX_SIDE, Math.max(MIN_SIDE, Math.round(length / 8) * 8));
}
