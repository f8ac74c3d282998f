import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { contentTypeOfExtension } from "../core/media-types.ts";
import { type DigestedBytes, digestedOnce } from "./hashing-stream.ts";

export { extensionOfContentType } from "../core/media-types.ts";

/**
 * Where a blob lives. `public` blobs (outputs, the inputs gengate hands to models) are served to
 * anyone at `/files/<key>`; `uploads` (the files API, inputs sent as data URLs) are read only
 * through their owner's `/v1/files/<id>`, so deleting or expiring the upload ends all access.
 */
export type BlobArea = "public" | "uploads";

const UPLOADS_PREFIX = "uploads/";
/** Where object-store drivers write a file before it has a content key; never served. */
export const TMP_PREFIX = "tmp/";

/**
 * A fresh temporary key, `tmp/<random>/blob`: a "folder" per upload, because stores kept on a
 * file system (s3rver, some MinIO set-ups) remove a folder left empty by a delete, which races
 * with another upload writing into the same folder.
 */
export function temporaryKey(): string {
  return `${TMP_PREFIX}${randomBytes(12).toString("hex")}/blob`;
}

export interface StoredBlob {
  /** `<sha256>.<extension>`, under `uploads/` for uploads: the same bytes are stored once per area. */
  key: string;
  size: number;
  sha256: string;
  md5: string;
}

/** What a blob is stored from: a stream, or bytes in memory (digested already, or not). */
export type BlobSource = Readable | Uint8Array | DigestedBytes;

export interface BlobStat {
  size: number;
}

/** Bytes `start` to `end` of a blob, both included (as in HTTP's `Range: bytes=start-end`). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * A place for output and uploaded files: local disk, S3 or Azure Blob. A blob becomes visible
 * under its content key only once all of its bytes are stored, so a crash mid-write leaves
 * nothing that is served.
 */
export interface BlobStorage {
  /** Where the blobs live, for logs and messages (never a secret). */
  readonly location: string;
  put(source: BlobSource, extension: string, maxBytes?: number, area?: BlobArea): Promise<StoredBlob>;
  open(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<BlobStat | null>;
  /** Removes a blob; nothing happens when there is none. */
  delete(key: string): Promise<void>;
  /** Every stored blob's key, in no particular order. */
  keys(): AsyncIterable<string>;
  /**
   * A short-lived URL that reads the blob straight from the store (an S3 presigned URL, an Azure
   * SAS URL); absent on drivers that have none (local disk).
   */
  signedUrl?(key: string, expiresInSeconds: number): Promise<string>;
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

/** Bytes in memory and the blob they make, hashed once: its key is known before they are stored. */
export function blobOfBytes(
  source: Uint8Array | DigestedBytes,
  extension: string,
  area: BlobArea = "public",
  maxBytes?: number,
): { bytes: Uint8Array; blob: StoredBlob } {
  const { bytes, digest } = digestedOnce(source, maxBytes);
  return { bytes, blob: { key: blobKey(digest.sha256, extension, area), ...digest } };
}

export function contentTypeOfKey(key: string): string {
  return contentTypeOfExtension(key.slice(key.lastIndexOf(".") + 1));
}
