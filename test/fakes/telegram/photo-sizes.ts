/**
 * What Telegram does with a photo: checks it (10 MiB, width + height ≤ 10000, ratio ≤ 20), then
 * keeps JPEG copies whose longest side is 90, 320, 800 and 1280 px, never larger than the original,
 * smallest first (reference C.6). The texts are TDLib's and Telegram's.
 */
import type { PhotoSize } from "grammy/types";
import sharp from "sharp";
import { badRequest } from "./api-error.ts";
import type { FileStore } from "./file-store.ts";

const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const SIDES = [90, 320, 800, 1280];

interface Dimensions {
  width: number;
  height: number;
}

/** Refuses a photo a bot uploads as Telegram would; gives its upright dimensions. */
export async function checkPhoto(bytes: Buffer): Promise<Dimensions> {
  if (bytes.length === 0) throw badRequest("file must be non-empty");
  if (bytes.length > MAX_PHOTO_BYTES)
    throw badRequest(
      `file of size ${bytes.length} bytes is too big for a photo; the maximum size is ${MAX_PHOTO_BYTES} bytes`,
    );
  const dimensions = await readDimensions(bytes);
  const { width, height } = dimensions;
  if (width + height > 10_000 || Math.max(width, height) / Math.min(width, height) > 20)
    throw badRequest("PHOTO_INVALID_DIMENSIONS");
  return dimensions;
}

async function readDimensions(bytes: Buffer): Promise<Dimensions> {
  try {
    const { autoOrient } = await sharp(bytes).metadata();
    if (!autoOrient.width || !autoOrient.height) throw new Error("no dimensions");
    return { width: autoOrient.width, height: autoOrient.height };
  } catch {
    throw badRequest("IMAGE_PROCESS_FAILED");
  }
}

/**
 * Stores the sizes of a photo and returns them as a `PhotoSize[]`. `declaredSize` makes the largest
 * one report that many bytes (a big photo a test describes without building it).
 */
export async function storePhotoSizes(
  bytes: Buffer,
  files: FileStore,
  declaredSize?: number,
): Promise<PhotoSize[]> {
  const { width, height } = await readDimensions(bytes);
  const longest = Math.max(width, height);
  const sides = [...new Set([...SIDES.filter((side) => side < longest), Math.min(longest, 1280)])];
  const sizes: PhotoSize[] = [];
  const stored = [];
  for (const [index, side] of sides.entries()) {
    const { data, info } = await sharp(bytes)
      .autoOrient()
      .resize({ width: side, height: side, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 87 })
      .toBuffer({ resolveWithObject: true });
    const last = index === sides.length - 1;
    const file = files.add("photo", data, {
      extension: "jpg",
      mimeType: "image/jpeg",
      ...(last && declaredSize !== undefined && { size: declaredSize }),
    });
    stored.push(file);
    sizes.push({
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_size: file.size,
      width: info.width,
      height: info.height,
    });
  }
  for (const file of stored) file.photoSizes = sizes;
  return sizes;
}
