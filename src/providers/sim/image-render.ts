/** Renders one output of a sim/image (or sim-lora) operation into an encoded image file. */
import sharp from "sharp";
import { GatewayError } from "../../core/errors.ts";
import type { ProviderContext } from "../provider.ts";
import { patternPixels } from "./image-pattern.ts";
import { applyLora } from "./lora-style.ts";
import type { ImageOperation } from "./operation.ts";

export const IMAGE_CONTENT_TYPES = { webp: "image/webp", png: "image/png", jpg: "image/jpeg" } as const;

/** How much of the generated pattern shows through an input image. */
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
    const input = await readInput(operation.imageUrl);
    blendInto(pixels, await coverPixels(input.data, width, height));
  }
  if (operation.lora) applyLora(pixels, width, height, operation.lora.name, operation.lora.scale);
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  if (format === "png") return image.png().toBuffer();
  if (format === "jpg") return image.jpeg({ quality }).toBuffer();
  return image.webp({ quality }).toBuffer();
}

/** The input image resized to cover the output size, as raw RGB. */
async function coverPixels(data: Buffer, width: number, height: number): Promise<Buffer> {
  try {
    return await sharp(data)
      .resize(width, height, { fit: "cover" })
      .toColourspace("srgb")
      .removeAlpha()
      .raw()
      .toBuffer();
  } catch (error) {
    throw new GatewayError("invalid_input", "image: the input is not a readable image", {
      cause: error,
      invalidFields: [{ type: "format", field: "image", description: "not a readable image" }],
    });
  }
}

function blendInto(pattern: Buffer, base: Buffer): void {
  for (let i = 0; i < pattern.length; i++) {
    pattern[i] = Math.round(
      (base[i] as number) * (1 - PATTERN_WEIGHT) + (pattern[i] as number) * PATTERN_WEIGHT,
    );
  }
}
