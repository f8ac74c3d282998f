// @ts-check
/**
 * An image drop zone (drop, paste or picker), checked in the browser before anything is sent; and
 * the scaling down of a large image on a canvas before its upload.
 */

/** Types the tools read; anything else is refused where it was dropped. */
const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif", "image/avif"];
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** A file larger than this is encoded again even when its pixels fit. */
const RECOMPRESS_BYTES = 4 * 1024 * 1024;

/** @param {number} bytes */
const megabytes = (bytes) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/**
 * Why `file` cannot be used, or undefined when it can.
 * @param {File} file
 */
export function imageProblem(file) {
  if (!IMAGE_TYPES.includes(file.type))
    return `"${file.name}" is not an image this page takes: use a PNG, JPEG, WebP, GIF or AVIF file.`;
  if (file.size > MAX_IMAGE_BYTES)
    return `"${file.name}" is ${megabytes(file.size)}: images may be at most ${megabytes(MAX_IMAGE_BYTES)}. Nothing was uploaded.`;
  return undefined;
}

/**
 * Wires `zone` (with its file input) to hand each acceptable image to `onImage`, and each refused
 * file's reason to `onProblem`. Pasting goes to the zone when `accepts()` says it is the active one.
 * @param {HTMLElement} zone
 * @param {{ onImage(file: File): void, onProblem(message: string): void, accepts(): boolean }} handlers
 */
export function wireDropZone(zone, { onImage, onProblem, accepts }) {
  const picker = zone.querySelector('input[type="file"]');
  /** @param {File | null | undefined} file */
  const take = (file) => {
    if (!file) return;
    const problem = imageProblem(file);
    if (problem) onProblem(problem);
    else onImage(file);
  };
  if (picker instanceof HTMLInputElement)
    picker.addEventListener("change", () => {
      take(picker.files?.[0]);
      picker.value = "";
    });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    take(event.dataTransfer?.files[0]);
  });
  document.addEventListener("paste", (event) => {
    if (!accepts()) return;
    const file = [...(event.clipboardData?.files ?? [])][0];
    if (!file) return;
    event.preventDefault();
    take(file);
  });
}

/** @typedef {{ blob: Blob, width: number, height: number }} FittedImage */

/**
 * `file` as it should be uploaded: scaled down on a canvas to at most `maxPixels` pixels (its shape
 * kept), and encoded again when scaled or heavy; else the file itself.
 * @param {File} file
 * @param {number} maxPixels
 * @returns {Promise<FittedImage>}
 */
export async function fitImage(file, maxPixels) {
  const bitmap = await createImageBitmap(file);
  const { width, height } = bitmap;
  const scale = Math.min(1, Math.sqrt(maxPixels / (width * height)));
  if (scale === 1 && file.size <= RECOMPRESS_BYTES) {
    bitmap.close();
    return { blob: file, width, height };
  }
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.floor(width * scale));
  canvas.height = Math.max(1, Math.floor(height * scale));
  const context = canvas.getContext("2d");
  if (!context) throw new Error("This browser cannot draw on a canvas");
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  // PNG and GIF may be transparent: they stay lossless; photos become JPEG.
  const lossless = file.type === "image/png" || file.type === "image/gif";
  const blob = await canvasBlob(canvas, lossless ? "image/png" : "image/jpeg");
  return { blob, width: canvas.width, height: canvas.height };
}

/**
 * @param {HTMLCanvasElement} canvas
 * @param {string} type
 * @returns {Promise<Blob>}
 */
export function canvasBlob(canvas, type = "image/png") {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("The image could not be encoded"))),
      type,
      0.9,
    ),
  );
}
