/**
 * An edit's uploads, stored where models read them (content-hash URLs, like outputs). OpenAI's
 * mask marks what to edit with transparent pixels; inpainting models take black and white, white
 * where they repaint: the mask's alpha, inverted (partly transparent pixels become grey).
 */
import sharp, { type Metadata } from "sharp";
import type { BlobStorage } from "../../storage/blob-storage.ts";
import type { EditImages } from "./image-input.ts";
import { badParam } from "./image-request.ts";

const EXTENSIONS: Record<string, string> = { png: "png", jpeg: "jpg", webp: "webp" };

export async function storeEditImages(
  image: File,
  mask: File | undefined,
  storage: BlobStorage,
  baseUrl: string,
): Promise<EditImages> {
  const store = async (data: Buffer, extension: string) =>
    `${baseUrl}/files/${(await storage.put(data, extension)).key}`;
  const imageData = Buffer.from(await image.arrayBuffer());
  const { format, width, height } = await metadataOf(imageData, "image");
  const extension = EXTENSIONS[format ?? ""];
  if (!extension) throw badParam("image", "image must be a PNG, JPEG or WebP image");
  const size = { width: width ?? 0, height: height ?? 0 };
  const stored: EditImages = { image: await store(imageData, extension), size };
  if (mask)
    stored.mask = await store(await inpaintingMask(Buffer.from(await mask.arrayBuffer()), size), "png");
  return stored;
}

async function inpaintingMask(data: Buffer, size: { width: number; height: number }): Promise<Buffer> {
  const { hasAlpha, width, height } = await metadataOf(data, "mask");
  if (!hasAlpha) {
    throw badParam(
      "mask",
      "mask must have an alpha channel: its fully transparent pixels mark where to edit",
    );
  }
  if (width !== size.width || height !== size.height) {
    throw badParam(
      "mask",
      `mask must be the size of the image (${size.width}x${size.height}), not ${width}x${height}`,
    );
  }
  return sharp(data).extractChannel("alpha").negate().png().toBuffer();
}

async function metadataOf(data: Buffer, param: "image" | "mask"): Promise<Metadata> {
  try {
    return await sharp(data).metadata();
  } catch {
    throw badParam(param, `${param} is not a readable image`);
  }
}
