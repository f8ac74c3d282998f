/**
 * The photos a user uploads to train a LoRA, as loose files or in zips, checked and normalised one at a
 * time. Every refusal is a GatewayError on the `photos` field that names the file at fault.
 */
import { createHash } from "node:crypto";
import { readCaption } from "./caption.ts";
import { isCaptionName, isIgnoredName, stemOf } from "./file-names.ts";
import { DEFAULT_PHOTO_LIMITS, type PhotoLimits } from "./limits.ts";
import { normaliseImage } from "./normalise-image.ts";
import { fileTooLarge, formatBytes, photoError } from "./photo-error.ts";
import type { PhotoSource } from "./photo-source.ts";
import type { UploadedFile } from "./uploaded-file.ts";

export interface TrainingPhoto {
  /** Its name in the training zip: `photo-001.jpg`, `photo-002.jpg`… in upload order. */
  name: string;
  /** The uploaded name, or `<zip name>/<entry name>` such as `archive.zip/dir/x.png`. */
  original: string;
  jpeg: Buffer;
  width: number;
  height: number;
  caption?: string;
}

interface Candidate {
  photo: PhotoSource;
  caption: PhotoSource | undefined;
}

async function sourcesOf(
  files: readonly UploadedFile[],
  limits: Readonly<PhotoLimits>,
): Promise<PhotoSource[]> {
  // Loaded here: the zip library costs memory a server that trains nothing never uses.
  const { isZip, zipSources } = await import("./zip-entries.ts");
  const sources: PhotoSource[] = [];
  for (const file of files) {
    if (isIgnoredName(file.name)) continue;
    if (isZip(file)) {
      sources.push(...(await zipSources(file, limits)));
      continue;
    }
    const size = file.data.length;
    if (size > limits.maxFileBytes) throw fileTooLarge(file.name, size, limits.maxFileBytes);
    sources.push({ original: file.name, size, read: async () => file.data });
  }
  return sources;
}

/** Every file but the text files, each with the text file named like it as its caption; other text files are dropped. */
function candidatesOf(sources: readonly PhotoSource[]): Candidate[] {
  const captions = new Map<string, PhotoSource>();
  for (const source of sources) {
    const stem = stemOf(source.original);
    if (isCaptionName(source.original) && !captions.has(stem)) captions.set(stem, source);
  }
  return sources
    .filter((source) => !isCaptionName(source.original))
    .map((photo) => ({ photo, caption: captions.get(stemOf(photo.original)) }));
}

function checkTotalSize(candidates: readonly Candidate[], limits: Readonly<PhotoLimits>): void {
  const files = new Set(candidates.flatMap(({ photo, caption }) => (caption ? [photo, caption] : [photo])));
  const total = [...files].reduce((sum, file) => sum + file.size, 0);
  if (total > limits.maxTotalBytes) {
    const description = `the ${files.size} photos and captions come to ${formatBytes(total)}, over the ${formatBytes(limits.maxTotalBytes)} allowed in all`;
    throw photoError("payload_too_large", "size", description);
  }
}

function countError(description: string, limits: Readonly<PhotoLimits>): never {
  const range = `upload ${limits.minPhotos} to ${limits.maxPhotos} photos; identical files count once`;
  throw photoError("invalid_input", "count", `${description}: ${range}`);
}

/**
 * Reads the uploaded files in order; a zip (by name or content) stands for its entries, in its own order.
 * Photos are recognised by content, captions by their `.txt` name; a text file that captions no photo,
 * folders, `__MACOSX/` and hidden files (`.DS_Store`, `._x.jpg`) are ignored, and a file with the same
 * bytes as an earlier one is dropped without a word. Checks, in the order they are made:
 * - zips: an unsafe entry name is a 400; too many entries, an entry that inflates too much, too large a
 *   file or total are 413s; a zip in a zip, encrypted entries or exotic compression are 415s, and a corrupt
 *   zip is a 422 (see zipSources);
 * - each photo in turn: not an image is a 415; corrupt, truncated, too small or too many pixels is a 422
 *   (see normaliseImage); a caption that is not UTF-8 or over 1,000 characters is a 422;
 * - more than `maxPhotos` distinct photos (checked before decoding the one too many) or fewer than
 *   `minPhotos` is a 422.
 */
export async function readTrainingPhotos(
  files: readonly UploadedFile[],
  limits: Readonly<PhotoLimits> = DEFAULT_PHOTO_LIMITS,
): Promise<TrainingPhoto[]> {
  const candidates = candidatesOf(await sourcesOf(files, limits));
  checkTotalSize(candidates, limits);
  const seen = new Set<string>();
  const photos: TrainingPhoto[] = [];
  for (const { photo, caption } of candidates) {
    const data = await photo.read();
    const digest = createHash("sha256").update(data).digest("hex");
    if (seen.has(digest)) continue;
    seen.add(digest);
    if (photos.length === limits.maxPhotos) {
      countError(`found ${candidates.length} photo files, over the ${limits.maxPhotos} allowed`, limits);
    }
    const image = await normaliseImage(data, photo.original, limits);
    const name = `photo-${String(photos.length + 1).padStart(3, "0")}.jpg`;
    const text = caption && (await readCaption(caption));
    photos.push({ name, original: photo.original, ...image, ...(text !== undefined && { caption: text }) });
  }
  if (photos.length < limits.minPhotos) {
    const copies = candidates.length - photos.length;
    const dropped = copies > 0 ? ` (and ${copies} identical ${copies === 1 ? "copy" : "copies"})` : "";
    countError(`found ${photos.length} photos${dropped}, fewer than the ${limits.minPhotos} needed`, limits);
  }
  return photos;
}
