/** Encodes a tool's output pixels as PNG, JPEG (alpha flattened on white) or WebP. */
import { contentTypeOfExtension } from "../../core/media-types.ts";
import type { EncodedFile, Pixels, UpscaleFormat } from "./job.ts";
import { sharpOf } from "./pixels.ts";

const QUALITY = 90;

export async function encodeImage(pixels: Pixels, format: UpscaleFormat): Promise<EncodedFile> {
  const image = sharpOf(pixels);
  const encoded =
    format === "png"
      ? image.png()
      : format === "jpg"
        ? image.flatten({ background: "#ffffff" }).jpeg({ quality: QUALITY })
        : image.webp({ quality: QUALITY });
  return { contentType: contentTypeOfExtension(format), extension: format, data: await encoded.toBuffer() };
}
