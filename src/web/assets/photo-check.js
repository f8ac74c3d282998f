// @ts-check
/**
 * Checks a LoRA's photos in the browser before anything is sent, against the limits the API
 * enforces (`GET /v1/lora-photo-limits`): the type by content (the first bytes, as the server
 * reads it, never the name), each photo's size, the total, and the count of loose photos.
 */

/** @typedef {{ min_photos: number, max_photos: number, max_file_bytes: number, max_total_bytes: number, photo_types: string[], archive_types: string[] }} PhotoLimits */

/** @param {number} bytes */
export function formatBytes(bytes) {
  if (bytes < 2 ** 10) return `${bytes} bytes`;
  if (bytes < 2 ** 20) return `${Math.round(bytes / 2 ** 10)} KiB`;
  return `${Number((bytes / 2 ** 20).toFixed(1))} MiB`;
}

const ascii = (/** @type {Uint8Array} */ bytes, /** @type {number} */ from, /** @type {number} */ to) =>
  String.fromCharCode(...bytes.subarray(from, to));

/**
 * The media type of a file by its first bytes, or "" when it is none we know.
 * @param {Uint8Array} head at least the first 16 bytes
 */
export function sniffType(head) {
  const starts = (/** @type {number[]} */ magic) => magic.every((byte, i) => head[i] === byte);
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts([0x89, 0x50, 0x4e, 0x47])) return "image/png";
  if (ascii(head, 0, 4) === "GIF8") return "image/gif";
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return "image/webp";
  if (starts([0x49, 0x49, 0x2a, 0x00]) || starts([0x4d, 0x4d, 0x00, 0x2a])) return "image/tiff";
  if (starts([0x50, 0x4b, 0x03, 0x04]) || starts([0x50, 0x4b, 0x05, 0x06])) return "application/zip";
  if (ascii(head, 4, 8) === "ftyp") {
    const brand = ascii(head, 8, 12);
    if (brand === "avif" || brand === "avis") return "image/avif";
    if (["heic", "heix", "hevc", "hevx"].includes(brand)) return "image/heic";
    if (brand === "mif1" || brand === "msf1") return "image/heif";
  }
  return "";
}

/**
 * What is wrong with these files, one line each; none when they may be sent.
 * @param {File[]} files
 * @param {PhotoLimits} limits
 * @returns {Promise<string[]>}
 */
export async function photoProblems(files, limits) {
  const problems = [];
  let photos = 0;
  let archives = 0;
  let total = 0;
  for (const file of files) {
    const type = sniffType(new Uint8Array(await file.slice(0, 16).arrayBuffer()));
    total += file.size;
    if (limits.archive_types.includes(type)) {
      archives++;
    } else if (!limits.photo_types.includes(type)) {
      const why = type === "image/heic" ? "HEIC, which cannot be read; export it as JPEG" : "not a photo";
      problems.push(
        `"${file.name}" is ${why}. Use JPEG, PNG, WebP, AVIF, TIFF or GIF photos, or zips of them.`,
      );
    } else {
      photos++;
      if (file.size > limits.max_file_bytes) {
        problems.push(
          `"${file.name}" is ${formatBytes(file.size)}, over the ${formatBytes(limits.max_file_bytes)} a photo may be.`,
        );
      }
    }
  }
  if (total > limits.max_total_bytes) {
    problems.push(
      `The files come to ${formatBytes(total)}, over the ${formatBytes(limits.max_total_bytes)} allowed in all.`,
    );
  }
  // The photos inside a zip are counted by the server.
  if (archives === 0 && (photos < limits.min_photos || photos > limits.max_photos)) {
    problems.push(
      `${photos} photo${photos === 1 ? "" : "s"} chosen: a LoRA takes ${limits.min_photos} to ${limits.max_photos}.`,
    );
  }
  return problems;
}
