/**
 * The files inside an uploaded zip. Names, entry counts and declared sizes are checked from the central
 * directory before anything is inflated; each entry is then inflated on its own when read, counting its
 * bytes: a header that understates an entry's size cannot make it inflate further.
 */
import { crc32 } from "node:zlib";
import { type Entry, fromBufferPromise, getFileNameLowLevel, type ZipFile } from "yauzl";
import { GatewayError } from "../../../core/errors.ts";
import { isIgnoredName, unsafeNameReason } from "./file-names.ts";
import type { PhotoLimits } from "./limits.ts";
import { fileTooLarge, formatBytes, photoError } from "./photo-error.ts";
import type { PhotoSource } from "./photo-source.ts";
import type { UploadedFile } from "./uploaded-file.ts";

const ZIP_MAGIC = Buffer.from("PK\x03\x04", "latin1");
const STORED = 0;
const DEFLATED = 8;
/** Entries up to this size are not held to the compression ratio: small files of blank space compress well. */
const RATIO_FREE_BYTES = 2 ** 20;

/** A zip by its name or by its first bytes. */
export function isZip(file: UploadedFile): boolean {
  return /\.zip$/i.test(file.name) || file.data.subarray(0, 4).equals(ZIP_MAGIC);
}

function nestedZip(original: string): GatewayError {
  return photoError(
    "unsupported_media_type",
    "nested_zip",
    `"${original}" is a zip inside a zip; put its photos in the outer zip`,
  );
}

function corruptEntry(original: string, cause?: unknown): GatewayError {
  const detail = cause instanceof Error ? ` (${cause.message})` : "";
  return photoError("invalid_input", "corrupt", `"${original}" is corrupt in its zip${detail}`, cause);
}

function unreadableZip(name: string, cause: unknown): GatewayError {
  const detail = cause instanceof Error ? ` (${cause.message})` : "";
  return photoError("invalid_input", "corrupt", `"${name}" is not a readable zip${detail}`, cause);
}

async function openZip(zip: UploadedFile): Promise<ZipFile> {
  try {
    return await fromBufferPromise(zip.data, {
      lazyEntries: true,
      // Entries are read after the central directory has been listed; a zip in a Buffer holds no file.
      autoClose: false,
      // Names and sizes are checked here instead, so that the errors name the entry.
      decodeStrings: false,
      validateEntrySizes: false,
    });
  } catch (error) {
    throw unreadableZip(zip.name, error);
  }
}

function checkEntry(entry: Entry, original: string, limits: Readonly<PhotoLimits>): void {
  if (/\.zip$/i.test(original)) throw nestedZip(original);
  if (entry.isEncrypted()) {
    throw photoError(
      "unsupported_media_type",
      "encrypted",
      `"${original}" is encrypted; zip without a password`,
    );
  }
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    const description = `"${original}" uses zip compression method ${entry.compressionMethod}; only stored and deflated entries are read`;
    throw photoError("unsupported_media_type", "compression", description);
  }
  const { uncompressedSize, compressedSize } = entry;
  if (uncompressedSize > limits.maxFileBytes) {
    throw fileTooLarge(original, uncompressedSize, limits.maxFileBytes);
  }
  if (uncompressedSize > RATIO_FREE_BYTES && uncompressedSize > compressedSize * limits.maxCompressionRatio) {
    const description = `"${original}" inflates from ${formatBytes(compressedSize)} to ${formatBytes(uncompressedSize)}, over the ratio of ${limits.maxCompressionRatio} a zip entry may have`;
    throw photoError("payload_too_large", "zip_bomb", description);
  }
}

/** The entry's bytes; it may not inflate past the size the central directory declares, checked above. */
async function readEntry(archive: ZipFile, entry: Entry, original: string): Promise<Buffer> {
  const declared = entry.uncompressedSize;
  const chunks: Buffer[] = [];
  let bytes = 0;
  let crc = 0;
  try {
    const stream = await archive.openReadStreamPromise(entry);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > declared) {
        const description = `"${original}" inflates to more than the ${formatBytes(declared)} its zip header declares`;
        throw photoError("payload_too_large", "zip_bomb", description);
      }
      crc = crc32(chunk, crc);
      chunks.push(chunk);
    }
  } catch (error) {
    throw error instanceof GatewayError ? error : corruptEntry(original, error);
  }
  if (bytes < declared || crc !== entry.crc32) throw corruptEntry(original);
  const data = Buffer.concat(chunks, bytes);
  if (data.subarray(0, 4).equals(ZIP_MAGIC)) throw nestedZip(original);
  return data;
}

/**
 * The zip's files in the order of its central directory, without folders and ignored files. An unsafe name
 * anywhere in it is a 400; too many entries, an entry over `maxFileBytes` or one that inflates more than
 * `maxCompressionRatio` times is a 413 (as is, when read, an entry that inflates past its declared size);
 * a zip in the zip, an encrypted entry or an unknown compression method is a 415; a corrupt zip is a 422.
 */
export async function zipSources(zip: UploadedFile, limits: Readonly<PhotoLimits>): Promise<PhotoSource[]> {
  const archive = await openZip(zip);
  if (archive.entryCount > limits.maxZipEntries) {
    const description = `"${zip.name}" has ${archive.entryCount} entries, over the ${limits.maxZipEntries} a zip may have`;
    throw photoError("payload_too_large", "zip_entries", description);
  }
  const sources: PhotoSource[] = [];
  try {
    for await (const entry of archive.eachEntry()) {
      const name = getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        true,
      );
      const original = `${zip.name}/${name}`;
      const unsafe = unsafeNameReason(name);
      if (unsafe) {
        throw photoError("bad_request", "unsafe_name", `"${original}" ${unsafe}; the zip is refused`);
      }
      if (isIgnoredName(name)) continue;
      checkEntry(entry, original, limits);
      sources.push({
        original,
        size: entry.uncompressedSize,
        read: () => readEntry(archive, entry, original),
      });
    }
  } catch (error) {
    throw error instanceof GatewayError ? error : unreadableZip(zip.name, error);
  }
  return sources;
}
