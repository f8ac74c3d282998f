/** Renders one output of a sim/image (or sim-lora) operation into an encoded image file. */
import { GatewayError } from "../../core/errors.ts";
import { loadSharp } from "../../core/load-sharp.ts";
import type { InputFile, ProviderContext } from "../provider.ts";
import { patternPixels } from "./image-pattern.ts";
import { applyLora } from "./lora-style.ts";
import type { ImageOperation } from "./operation.ts";
import { pngFile } from "./png-file.ts";

export const IMAGE_CONTENT_TYPES = { webp: "image/webp", png: "image/png", jpg: "image/jpeg" } as const;

/** How much of the generated pattern shows through an input image given without a mask. */
const PATTERN_WEIGHT = 0.35;

export async function renderImage(
  operation: ImageOperation,
  index: number,
  readInput: ProviderContext["readInput"],
): Promise<Buffer> {
  const { width, height, format } = operation;
  // sharp takes qualities from 1; the schema allows 0.
  const quality = Math.max(1, operation.quality);
  const pixels = patternPixels(operation.prompt, operation.seed + index, width, height);
  if (operation.imageUrl !== null) {
    const image = await coverPixels(await readInput(operation.imageUrl), "image", width, height);
    if (operation.maskUrl) {
      const mask = await coverPixels(await readInput(operation.maskUrl), "mask", width, height);
      mixInto(pixels, image, (pixel) => (mask[pixel] as number) / 255);
    } else {
      mixInto(pixels, image, () => PATTERN_WEIGHT);
    }
  }
  if (operation.lora) applyLora(pixels, width, height, operation.lora.name, operation.lora.scale);
  if (format === "png") return pngFile(pixels, width, height);
  const sharp = await loadSharp();
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  if (format === "jpg") return image.jpeg({ quality }).toBuffer();
  return image.webp({ quality }).toBuffer();
}

/** An input image resized to cover the output size, as raw RGB (a mask: raw greyscale). */
async function coverPixels(
  file: InputFile,
  field: "image" | "mask",
  width: number,
  height: number,
): Promise<Buffer> {
  const sharp = await loadSharp();
  try {
    return await sharp(file.data)
      .resize(width, height, { fit: "cover" })
      .toColourspace(field === "mask" ? "b-w" : "srgb")
      .removeAlpha()
      .raw()
      .toBuffer();
  } catch (error) {
    throw new GatewayError("invalid_input", `${field}: the input is not a readable image`, {
      cause: error,
      invalidFields: [{ type: "format", field, description: "not a readable image" }],
    });
  }
}

/** Mixes an input image into the pattern: pixel p keeps `patternWeight(p)` of the pattern. */
function mixInto(pattern: Buffer, image: Buffer, patternWeight: (pixel: number) => number): void {
  for (let i = 0; i < pattern.length; i++) {
    const weight = patternWeight(Math.floor(i / 3));
    pattern[i] = Math.round((image[i] as number) * (1 - weight) + (pattern[i] as number) * weight);
  }
}
