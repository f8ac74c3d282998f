/**
 * What every driver shares in storing a blob: a stream is hashed as it is written and gets its
 * content key after; bytes in memory are hashed once (or arrive hashed) and go straight to theirs.
 */
import { Readable } from "node:stream";
import {
  type BlobArea,
  type BlobSource,
  type BlobStat,
  type BlobStorage,
  type ByteRange,
  blobOfBytes,
  type StoredBlob,
} from "./blob-storage.ts";

export abstract class ContentAddressedStorage implements BlobStorage {
  abstract readonly location: string;
  abstract open(key: string, range?: ByteRange): Promise<Readable>;
  abstract stat(key: string): Promise<BlobStat | null>;
  abstract delete(key: string): Promise<void>;
  abstract keys(): AsyncIterable<string>;

  async put(
    source: BlobSource,
    extension: string,
    maxBytes = Number.POSITIVE_INFINITY,
    area: BlobArea = "public",
  ): Promise<StoredBlob> {
    if (source instanceof Readable) return this.putStream(source, extension, maxBytes, area);
    const { bytes, blob } = blobOfBytes(source, extension, area, maxBytes);
    await this.putBytes(bytes, blob);
    return blob;
  }

  /** Stores a stream of unknown content (at most `maxBytes`), hashing it on the way. */
  protected abstract putStream(
    source: Readable,
    extension: string,
    maxBytes: number,
    area: BlobArea,
  ): Promise<StoredBlob>;

  /** Stores bytes under `blob.key`, their content key, whole or not at all. */
  protected abstract putBytes(bytes: Uint8Array, blob: StoredBlob): Promise<void>;
}
