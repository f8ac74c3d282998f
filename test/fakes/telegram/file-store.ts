/** Every file the fake knows (photos in all their sizes, documents), by file_id and by download path. */
import { randomBytes } from "node:crypto";
import type { PhotoSize } from "grammy/types";

export type FileKind = "photo" | "document";

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  kind: FileKind;
  bytes: Buffer;
  /** What Telegram reports: the byte count, unless a test declared a bigger file it did not build. */
  size: number;
  path: string;
  fileName?: string;
  mimeType?: string;
  /** For a photo: every size Telegram keeps of it, smallest first. */
  photoSizes?: PhotoSize[];
}

/** Telegram's own prefixes, so ids look like the ones a bot sees in production. */
const ID_PREFIX: Record<FileKind, { id: string; unique: string; folder: string }> = {
  photo: { id: "AgACAgIAAxkBAAI", unique: "AQAD", folder: "photos" },
  document: { id: "BQACAgIAAxkBAAI", unique: "AgAD", folder: "documents" },
};

export class FileStore {
  readonly #byId = new Map<string, StoredFile>();
  readonly #byPath = new Map<string, StoredFile>();
  #count = 0;

  add(
    kind: FileKind,
    bytes: Buffer,
    details: { extension: string; size?: number; fileName?: string; mimeType?: string },
  ): StoredFile {
    this.#count += 1;
    const prefix = ID_PREFIX[kind];
    const file: StoredFile = {
      fileId: `${prefix.id}${randomBytes(30).toString("base64url")}`,
      fileUniqueId: `${prefix.unique}${randomBytes(9).toString("base64url")}`,
      kind,
      bytes,
      size: details.size ?? bytes.length,
      path: `${prefix.folder}/file_${this.#count}.${details.extension}`,
      ...(details.fileName !== undefined && { fileName: details.fileName }),
      ...(details.mimeType !== undefined && { mimeType: details.mimeType }),
    };
    this.#byId.set(file.fileId, file);
    this.#byPath.set(file.path, file);
    return file;
  }

  get(fileId: string): StoredFile | undefined {
    return this.#byId.get(fileId);
  }

  atPath(path: string): StoredFile | undefined {
    return this.#byPath.get(path);
  }
}
