/** Turns a resolved input file into what a message shows: a PhotoSize[] or a Document. */
import { randomInt } from "node:crypto";
import type { Document, PhotoSize } from "grammy/types";
import type { FileStore } from "./file-store.ts";
import type { InputFileSource } from "./input-file.ts";
import { checkPhoto, storePhotoSizes } from "./photo-sizes.ts";

/** Telegram derives a document's type from its name's extension. */
const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  pdf: "application/pdf",
  zip: "application/zip",
  json: "application/json",
  txt: "text/plain",
  csv: "text/csv",
  mp4: "video/mp4",
};

/** Checks every photo first, so a refused album stores nothing. */
export async function checkPhotos(sources: InputFileSource[]): Promise<void> {
  for (const source of sources) if (source.upload) await checkPhoto(source.bytes);
}

export async function photoOf(files: FileStore, source: InputFileSource): Promise<PhotoSize[]> {
  if (!source.upload) return source.existing.photoSizes ?? [];
  return storePhotoSizes(source.bytes, files);
}

export function documentOf(files: FileStore, source: InputFileSource, mimeType?: string): Document {
  const file = source.upload
    ? files.add("document", source.bytes, {
        extension: extensionOf(source.fileName) || "bin",
        fileName: source.fileName,
        mimeType:
          mimeType ??
          source.mimeType ??
          MIME_BY_EXTENSION[extensionOf(source.fileName)] ??
          "application/octet-stream",
      })
    : source.existing;
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    file_size: file.size,
    ...(file.fileName !== undefined && { file_name: file.fileName }),
    ...(file.mimeType !== undefined && { mime_type: file.mimeType }),
  };
}

const extensionOf = (name: string) => /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? "";

/** A media_group_id: the decimal text of a positive 64-bit number, new for each album. */
export const newMediaGroupId = () =>
  String(BigInt(randomInt(1, 2 ** 47)) * 65_536n + BigInt(randomInt(0, 65_536)));
