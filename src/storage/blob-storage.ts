import type { Readable } from "node:stream";
import { contentTypeOfExtension } from "../core/media-types.ts";

export { extensionOfContentType } from "../core/media-types.ts";

export interface StoredBlob {
  /** `<sha256>.<extension>`: the same bytes are stored once. */
  key: string;
  size: number;
  sha256: string;
  md5: string;
}

export interface BlobStat {
  size: number;
}

/** A place for output and uploaded files. Drivers: local disk now; S3 and Azure Blob later. */
export interface BlobStorage {
  put(source: Readable | Uint8Array, extension: string, maxBytes?: number): Promise<StoredBlob>;
  open(key: string): Promise<Readable>;
  stat(key: string): Promise<BlobStat | null>;
}

const KEY_PATTERN = /^[a-f0-9]{64}\.[a-z0-9]{1,12}$/;

export function isBlobKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function contentTypeOfKey(key: string): string {
  return contentTypeOfExtension(key.slice(key.lastIndexOf(".") + 1));
}
