import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GatewayError } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import {
  type BlobArea,
  type BlobStat,
  type ByteRange,
  blobKey,
  isBlobKey,
  type StoredBlob,
} from "./blob-storage.ts";
import { ContentAddressedStorage } from "./content-addressed-storage.ts";
import { hashingStream } from "./hashing-stream.ts";
import { namesInShards, type ShardLevels, shardFoldersOf, shardLevelsOf } from "./shard-folders.ts";

/**
 * Bytes up to this size are written with synchronous calls, as the database already writes the same
 * disk: tens of microseconds of blocking, where each call through libuv's thread pool costs about a
 * hundred microseconds of CPU (BENCHMARKS.md). Folders and renames are metadata, as quick at any size.
 */
const SYNC_WRITE_MAX_BYTES = 256 * 1024;

/** Content-addressed files on local disk, written through a temporary file and renamed into place. */
export class LocalStorage extends ContentAddressedStorage {
  readonly root: string;
  readonly location: string;
  private readonly knownDirs = new Set<string>();
  private readonly shardLevels: ShardLevels;

  constructor(root: string) {
    super();
    this.root = root;
    this.location = `file://${root}`;
    this.shardLevels = shardLevelsOf(root);
  }

  protected putStream(
    source: Readable,
    extension: string,
    maxBytes: number,
    area: BlobArea,
  ): Promise<StoredBlob> {
    const tmpPath = join(this.ensureDir(join(this.root, "tmp")), newId());
    return this.movedIntoPlace(tmpPath, async () => {
      const hashing = hashingStream(maxBytes);
      await pipeline(source, hashing.stream, createWriteStream(tmpPath));
      const digest = hashing.digest();
      return { key: blobKey(digest.sha256, extension, area), ...digest };
    });
  }

  /**
   * Bytes in hand have their key before they are written, so their temporary file sits next to its
   * final name: creating a file in one folder that has seen thousands costs several times more than
   * in a small shard folder (BENCHMARKS.md).
   */
  protected async putBytes(bytes: Uint8Array, blob: StoredBlob): Promise<void> {
    const tmpPath = `${this.ensureDir(dirname(this.pathOf(blob.key)))}/.${newId()}.tmp`;
    await this.movedIntoPlace(tmpPath, async () => {
      if (bytes.length <= SYNC_WRITE_MAX_BYTES) writeFileSync(tmpPath, bytes);
      else await writeFile(tmpPath, bytes);
      return blob;
    });
  }

  /** Runs `write` (which fills `tmpPath`), then renames the file to its key; removes it on failure. */
  private async movedIntoPlace(tmpPath: string, write: () => Promise<StoredBlob>): Promise<StoredBlob> {
    try {
      const blob = await write();
      const finalPath = this.pathOf(blob.key);
      this.ensureDir(dirname(finalPath));
      renameSync(tmpPath, finalPath);
      return blob;
    } catch (error) {
      rmSync(tmpPath, { force: true });
      throw error;
    }
  }

  private ensureDir(dir: string): string {
    if (!this.knownDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    return dir;
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    const info = await this.stat(key);
    if (!info) throw new GatewayError("not_found", "file not found");
    return createReadStream(this.pathOf(key), range && { start: range.start, end: range.end });
  }

  async stat(key: string): Promise<BlobStat | null> {
    if (!isBlobKey(key)) return null;
    try {
      const info = await stat(this.pathOf(key));
      return { size: info.size };
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    if (isBlobKey(key)) await rm(this.pathOf(key), { force: true });
  }

  async *keys(): AsyncIterable<string> {
    for (const area of ["", "uploads/"]) {
      for await (const name of namesInShards(join(this.root, area), this.shardLevels)) {
        if (isBlobKey(`${area}${name}`)) yield `${area}${name}`;
      }
    }
  }

  /** `<root>[/uploads]/ab/<key>` (or `ab/cd/<key>` in an older store, shard-folders.ts). */
  private pathOf(key: string): string {
    const slash = key.indexOf("/");
    const name = key.slice(slash + 1);
    return join(this.root, key.slice(0, slash + 1), ...shardFoldersOf(name, this.shardLevels), name);
  }
}
