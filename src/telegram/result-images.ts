/**
 * How a result image goes to Telegram: a JPEG preview as the photo (Telegram shows photos up to
 * 2560 px and takes at most 10 MB), plus the original as a file when the photo would lose
 * something (transparency, size, resolution) or the user asked for the full image (a tool).
 */
import sharp from "sharp";

export const PHOTO_LIMIT_BYTES = 10 * 1024 * 1024;
const PHOTO_MAX_SIDE = 2560;

export interface ResultImage {
  /** JPEG bytes to send as the photo. */
  preview: Buffer;
  /** The original to send as a document as well, with its file name; undefined when the photo says it all. */
  original: { data: Buffer; fileName: string } | undefined;
}

const EXTENSIONS: Record<string, string> = {
  jpeg: "jpg",
  png: "png",
  webp: "webp",
  gif: "gif",
  avif: "avif",
};

export async function resultImage(
  data: Buffer,
  baseName: string,
  keepOriginal: boolean,
): Promise<ResultImage> {
  const image = sharp(data);
  const meta = await image.metadata();
  const preview = await image
    .flatten({ background: "#ffffff" })
    .resize({ width: PHOTO_MAX_SIDE, height: PHOTO_MAX_SIDE, fit: "inside", withoutEnlargement: true })
    .jpeg({ quality: 90 })
    .toBuffer();
  const needsOriginal =
    keepOriginal ||
    meta.hasAlpha === true ||
    data.length > PHOTO_LIMIT_BYTES ||
    Math.max(meta.width ?? 0, meta.height ?? 0) > PHOTO_MAX_SIDE;
  const extension = EXTENSIONS[meta.format ?? ""] ?? "bin";
  return {
    preview,
    original: needsOriginal ? { data, fileName: `${baseName}.${extension}` } : undefined,
  };
}
