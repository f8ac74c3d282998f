// @ts-check
/**
 * Large photos are made smaller in the browser before they are uploaded: at most MAX_SIDE pixels
 * on the longer side, re-encoded (JPEG stays JPEG; other images become WebP, which keeps
 * transparency). A file that is small already, or not an image the browser can draw, is sent as it is.
 */

export const MAX_SIDE = 2048;
/** Under this, an image whose sides fit is sent untouched. */
export const MAX_BYTES = 1_500_000;
const QUALITY = 0.9;

/**
 * @param {File} file
 * @returns {Promise<{ file: File, note?: string }>}
 */
export async function compressForUpload(file) {
  if (!/^image\/(jpeg|png|webp|bmp)$/.test(file.type)) return { file };
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { file };
  }
  const { width, height } = bitmap;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  if (scale === 1 && file.size <= MAX_BYTES) {
    bitmap.close();
    return { file };
  }
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const type = file.type === "image/jpeg" ? "image/jpeg" : "image/webp";
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, type, QUALITY));
  if (!(blob instanceof Blob)) return { file };
  // Made smaller is the point when only the bytes were too many; too many pixels must go anyway.
  if (scale === 1 && blob.size >= file.size) return { file };
  const name = file.name.replace(/\.[^.]*$/, "") + (type === "image/jpeg" ? ".jpg" : ".webp");
  const smaller = new File([blob], name, { type });
  const note = `${file.name} made smaller for upload: ${width}×${height}, ${sizeText(file.size)} → ${canvas.width}×${canvas.height}, ${sizeText(smaller.size)}`;
  return { file: smaller, note };
}

/** @param {number} bytes */
const sizeText = (bytes) =>
  bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.ceil(bytes / 1000)} KB`;
