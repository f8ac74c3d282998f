/** Image file types, told by their first bytes or their name. */

export interface ImageType {
  contentType: string;
  extension: string;
}

const PNG: ImageType = { contentType: "image/png", extension: "png" };
const JPG: ImageType = { contentType: "image/jpeg", extension: "jpg" };
const WEBP: ImageType = { contentType: "image/webp", extension: "webp" };
const GIF: ImageType = { contentType: "image/gif", extension: "gif" };
const OCTET_STREAM: ImageType = { contentType: "application/octet-stream", extension: "bin" };

const BY_EXTENSION: Record<string, ImageType> = { png: PNG, jpg: JPG, jpeg: JPG, webp: WEBP, gif: GIF };

const startsWith = (bytes: Uint8Array, prefix: number[], offset = 0) =>
  prefix.every((byte, i) => bytes[offset + i] === byte);

/** The type the bytes say they are, else the type declared (a data URL's), else octet-stream. */
export function sniffImage(bytes: Uint8Array, declared?: string): ImageType {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return JPG;
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return WEBP;
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return GIF;
  return [PNG, JPG, WEBP, GIF].find((type) => type.contentType === declared) ?? OCTET_STREAM;
}

/** The image type a name (`x.png`, a URL path, or just `jpeg`) ends with, if any. */
export function imageTypeOfName(name: string): ImageType | undefined {
  const extension = /(?:^|\.)([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : BY_EXTENSION[extension];
}
