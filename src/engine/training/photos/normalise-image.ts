/**
 * One photo checked and normalised for training: recognised by its content (never its name), fully
 * decoded, turned upright from its EXIF orientation, in sRGB, downscaled to `maxSide` and re-encoded as a
 * JPEG without metadata.
 */
import type { Metadata } from "sharp";
import { loadSharp } from "../../../core/load-sharp.ts";
import type { PhotoLimits } from "./limits.ts";
import { photoError } from "./photo-error.ts";

export interface NormalisedImage {
  jpeg: Buffer;
  width: number;
  height: number;
}

/**
 * The formats taken, by sharp's name (AVIF is `heif`), with their media types: what a client may
 * check before uploading. Vector and document formats (SVG, PDF) are not photos.
 */
export const PHOTO_MEDIA_TYPES: Readonly<Record<string, readonly string[]>> = {
  jpeg: ["image/jpeg"],
  png: ["image/png"],
  webp: ["image/webp"],
  heif: ["image/avif", "image/heif"],
  tiff: ["image/tiff"],
  gif: ["image/gif"],
};
const PHOTO_FORMATS: ReadonlySet<string> = new Set(Object.keys(PHOTO_MEDIA_TYPES));
const JPEG_QUALITY = 90;

async function metadataOf(data: Buffer, original: string): Promise<Metadata> {
  const sharp = await loadSharp();
  try {
    return await sharp(data).metadata();
  } catch (error) {
    throw photoError("unsupported_media_type", "format", `"${original}" is not an image`, error);
  }
}

function checkMetadata(metadata: Metadata, original: string, limits: Readonly<PhotoLimits>): void {
  const { format, width, height } = metadata;
  if (!PHOTO_FORMATS.has(format)) {
    const description = `"${original}" is ${format.toUpperCase()}, not a photo format; use JPEG, PNG, WebP, AVIF, HEIF, TIFF or GIF`;
    throw photoError("unsupported_media_type", "format", description);
  }
  // The sharp binaries decode HEIF compressed with AV1 (AVIF) but not with HEVC (iPhone HEIC).
  if (format === "heif" && metadata.compression === "hevc") {
    const description = `"${original}" is HEIC, which cannot be decoded here; export it as JPEG`;
    throw photoError("unsupported_media_type", "format", description);
  }
  if (width * height > limits.maxPixels) {
    const description = `"${original}" is ${width}×${height} px, over the ${limits.maxPixels / 1e6} megapixels a photo may have`;
    throw photoError("invalid_input", "dimensions", description);
  }
  if (Math.min(width, height) < limits.minSide) {
    const description = `"${original}" is ${width}×${height} px; photos must be at least ${limits.minSide} px on their shorter side`;
    throw photoError("invalid_input", "dimensions", description);
  }
}

/**
 * A non-image or one in another format is a 415; one too large in pixels, too small, truncated or corrupt
 * is a 422. `failOn: "error"` refuses truncated and undecodable data but, unlike sharp's default, not mere
 * warnings: many Samsung phones write JPEGs that warn "Invalid SOS parameters" (lovell/sharp#3488).
 */
export async function normaliseImage(
  data: Buffer,
  original: string,
  limits: Readonly<PhotoLimits>,
): Promise<NormalisedImage> {
  checkMetadata(await metadataOf(data, original), original, limits);
  const sharp = await loadSharp();
  try {
    const { data: jpeg, info } = await sharp(data, {
      failOn: "error",
      limitInputPixels: limits.maxPixels,
      autoOrient: true,
    })
      .resize({ width: limits.maxSide, height: limits.maxSide, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer({ resolveWithObject: true });
    return { jpeg, width: info.width, height: info.height };
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : "";
    const description = `"${original}" cannot be decoded: it is truncated or corrupt${detail}`;
    throw photoError("invalid_input", "corrupt", description, error);
  }
}
