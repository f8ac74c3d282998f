/**
 * An edit's image and mask, checked and passed to the model as data URLs: like any data URL
 * input they are stored (as the client's uploads) only once the prediction is accepted, so a
 * refused edit leaves no file behind. OpenAI's mask marks what to edit with transparent pixels;
 * inpainting models take black and white, white where they repaint: the mask's alpha, inverted
 * (partly transparent pixels become grey).
 */
import type { Metadata } from "sharp";
import { loadSharp } from "../../core/load-sharp.ts";
import type { EditImages } from "./image-input.ts";
import { paramError } from "./openai-error.ts";

const CONTENT_TYPES: Record<string, string> = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp" };

const dataUrl = (data: Buffer, contentType: string) =>
  `data:${contentType};base64,${data.toString("base64")}`;

export async function editImages(image: File, mask: File | undefined): Promise<EditImages> {
  const imageData = Buffer.from(await image.arrayBuffer());
  const { format, width, height } = await metadataOf(imageData, "image");
  const contentType = CONTENT_TYPES[format ?? ""];
  if (!contentType) throw paramError("image", "image must be a PNG, JPEG or WebP image");
  const size = { width: width ?? 0, height: height ?? 0 };
  const edit: EditImages = { image: dataUrl(imageData, contentType), size };
  if (mask)
    edit.mask = dataUrl(await inpaintingMask(Buffer.from(await mask.arrayBuffer()), size), "image/png");
  return edit;
}

async function inpaintingMask(data: Buffer, size: { width: number; height: number }): Promise<Buffer> {
  const { hasAlpha, width, height } = await metadataOf(data, "mask");
  if (!hasAlpha) {
    throw paramError(
      "mask",
      "mask must have an alpha channel: its fully transparent pixels mark where to edit",
    );
  }
  if (width !== size.width || height !== size.height) {
    throw paramError(
      "mask",
      `mask must be the size of the image (${size.width}x${size.height}), not ${width}x${height}`,
    );
  }
  const sharp = await loadSharp();
  return sharp(data).extractChannel("alpha").negate().png().toBuffer();
}

async function metadataOf(data: Buffer, param: "image" | "mask"): Promise<Metadata> {
  const sharp = await loadSharp();
  try {
    return await sharp(data).metadata();
  } catch {
    throw paramError(param, `${param} is not a readable image`);
  }
}
