import type { Readable } from "node:stream";

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

const KEY_PATTERN = /^[a-f0-9]{64}\.[a-z0-9]{1,8}$/;

export function isBlobKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

const CONTENT_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  json: "application/json",
  txt: "text/plain; charset=utf-8",
  zip: "application/zip",
  tar: "application/x-tar",
  mp4: "video/mp4",
  wav: "audio/wav",
  mp3: "audio/mpeg",
};

export function contentTypeOfKey(key: string): string {
  const extension = key.slice(key.lastIndexOf(".") + 1);
  return CONTENT_TYPES[extension] ?? "application/octet-stream";
}

export function extensionOfContentType(contentType: string): string {
  const base = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const found = Object.entries(CONTENT_TYPES).find(([, type]) => type.split(";")[0] === base);
  return found?.[0] ?? "bin";
}
