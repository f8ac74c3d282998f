/** The work a tool does and what it gives back: plain data, copied between threads. */
import type { Scale } from "./model-files.ts";

export const TOOLS = ["remove-background", "upscale"] as const;
export type Tool = (typeof TOOLS)[number];

export const UPSCALE_FORMATS = ["png", "jpg", "webp"] as const;
export type UpscaleFormat = (typeof UPSCALE_FORMATS)[number];
export const CUTOUT_FORMATS = ["png", "webp"] as const;
export type CutoutFormat = (typeof CUTOUT_FORMATS)[number];
/** `fast` is Lanczos resampling; `balanced` runs ESRGAN slim, `quality` ESRGAN medium. */
export const UPSCALE_QUALITIES = ["fast", "balanced", "quality"] as const;
export type UpscaleQuality = (typeof UPSCALE_QUALITIES)[number];

/** 8-bit pixels, row by row, channels interleaved (grey, RGB or RGBA). */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

/** A decoded input image: sRGB, EXIF orientation applied, RGBA when it has alpha. */
export interface RawImage extends Pixels {
  channels: 3 | 4;
}

/** What a prediction's input asks of a tool. */
export type ToolOptions =
  | { tool: "remove-background"; returnMask: boolean; format: CutoutFormat }
  | { tool: "upscale"; scale: Scale; quality: UpscaleQuality; format: UpscaleFormat };

export type ToolJob = ToolOptions & { image: RawImage };

export interface EncodedFile {
  contentType: string;
  extension: string;
  data: Uint8Array;
}

export interface ToolResult {
  /** `image`, and `mask` when a cutout's mask was asked for. */
  files: { image: EncodedFile; mask?: EncodedFile };
  /** What was done, for the prediction's logs. */
  logs: string;
}
