/** Files uploaded through the Files API (reference/replicate.md §2.4); they expire after 24 hours. */
import { createHash } from "node:crypto";
import { isoTime, objectId } from "./ids.ts";

const FILE_LIFETIME_MS = 24 * 3600_000;

export interface FileRecord {
  seq: number;
  id: string;
  name: string;
  contentType: string;
  bytes: Uint8Array;
  metadata: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
}

export class FileStore {
  readonly #files = new Map<string, FileRecord>();
  #seq = 0;

  add(file: Pick<FileRecord, "name" | "contentType" | "bytes" | "metadata">): FileRecord {
    const createdAt = Date.now();
    const record = {
      ...file,
      seq: this.#seq++,
      id: objectId(),
      createdAt,
      expiresAt: createdAt + FILE_LIFETIME_MS,
    };
    this.#files.set(record.id, record);
    return record;
  }

  get(id: string): FileRecord | undefined {
    const file = this.#files.get(id);
    return file && Date.now() < file.expiresAt ? file : undefined;
  }

  delete(id: string): boolean {
    return this.get(id) !== undefined && this.#files.delete(id);
  }

  /** Newest first. */
  list(): FileRecord[] {
    return [...this.#files.values()].filter((file) => Date.now() < file.expiresAt).reverse();
  }
}

const digest = (algorithm: string, bytes: Uint8Array) => createHash(algorithm).update(bytes).digest("hex");

export function fileJson(file: FileRecord, apiUrl: string): Record<string, unknown> {
  const md5 = digest("md5", file.bytes);
  return {
    id: file.id,
    name: file.name,
    content_type: file.contentType,
    size: file.bytes.byteLength,
    etag: md5,
    checksums: { sha256: digest("sha256", file.bytes), md5 },
    metadata: file.metadata,
    created_at: isoTime(file.createdAt),
    expires_at: isoTime(file.expiresAt),
    urls: { get: `${apiUrl}/files/${file.id}` },
  };
}
