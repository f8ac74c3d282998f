import type { Readable } from "node:stream";
import { contentTypeOfExtension } from "../core/media-types.ts";

export { extensionOfContentType } from "../core/media-types.ts";

/**
 * Where a blob lives. `public` blobs (outputs, the inputs gengate hands to models) are served to
 * anyone at `/files/<key>`; `uploads` (the files API, inputs sent as data URLs) are read only
 * through their owner's `/v1/files/<id>`, so deleting or expiring the upload ends all access.
 */
export type BlobArea = "public" | "uploads";

const UPLOADS_PREFIX = "uploads/";

export interface StoredBlob {
  /** `<sha256>.<extension>`, under `uploads/` for uploads: the same bytes are stored once per area. */
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
  put(
    source: Readable | Uint8Array,
    extension: string,
    maxBytes?: number,
    area?: BlobArea,
  ): Promise<StoredBlob>;
  open(key: string): Promise<Readable>;
  stat(key: string): Promise<BlobStat | null>;
  /** Removes a blob; nothing happens when there is none. */
  delete(key: string): Promise<void>;
}

const PUBLIC_KEY = /^[a-f0-9]{64}\.[a-z0-9]{1,12}$/;

/** A key of a blob anyone may fetch at `/files/<key>`. */
export function isPublicBlobKey(key: string): boolean {
  return PUBLIC_KEY.test(key);
}

/** A key of a blob in the uploads area. */
export function isUploadKey(key: string): boolean {
  return key.startsWith(UPLOADS_PREFIX) && isPublicBlobKey(key.slice(UPLOADS_PREFIX.length));
}

export function isBlobKey(key: string): boolean {
  return isPublicBlobKey(key) || isUploadKey(key);
}

export function blobKey(sha256: string, extension: string, area: BlobArea): string {
  return `${area === "uploads" ? UPLOADS_PREFIX : ""}${sha256}.${extension.toLowerCase()}`;
}

export function contentTypeOfKey(key: string): string {
  return contentTypeOfExtension(key.slice(key.lastIndexOf(".") + 1));
}
