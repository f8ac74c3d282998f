import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GatewayError } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import {
  type BlobArea,
  type BlobSource,
  type BlobStat,
  type BlobStorage,
  type ByteRange,
  blobKey,
  isBlobKey,
  type StoredBlob,
} from "./blob-storage.ts";
import { digestedOnce, hashingStream, type StreamDigest } from "./hashing-stream.ts";

/**
 * Bytes up to this size are written with synchronous calls, as the database already writes the same
 * disk: tens of microseconds of blocking, where each call through libuv's thread pool costs about a
 * hundred microseconds of CPU (BENCHMARKS.md). Folders and renames are metadata, as quick at any size.
 */
const SYNC_WRITE_MAX_BYTES = 256 * 1024;

/** Content-addressed files on local disk, written through a temporary file and renamed into place. */
export class LocalStorage implements BlobStorage {
  readonly root: string;
  readonly location: string;
  private readonly knownDirs = new Set<string>();

  constructor(root: string) {
    this.root = root;
    this.location = `file://${root}`;
  }

  async put(
    source: BlobSource,
    extension: string,
    maxBytes = Number.POSITIVE_INFINITY,
    area: BlobArea = "public",
  ): Promise<StoredBlob> {
    const tmpPath = join(this.ensureDir(join(this.root, "tmp")), newId());
    try {
      const digest = await this.writeHashed(source, tmpPath, maxBytes);
      const key = blobKey(digest.sha256, extension, area);
      const finalPath = this.pathOf(key);
      this.ensureDir(dirname(finalPath));
      renameSync(tmpPath, finalPath);
      return { key, ...digest };
    } catch (error) {
      rmSync(tmpPath, { force: true });
      throw error;
    }
  }

  /** Writes `source` to `path`; what it measured. Bytes in hand skip the streams (each output of the sim is). */
  private async writeHashed(source: BlobSource, path: string, maxBytes: number): Promise<StreamDigest> {
    if (!(source instanceof Readable)) {
      const { bytes, digest } = digestedOnce(source, maxBytes);
      if (bytes.length <= SYNC_WRITE_MAX_BYTES) writeFileSync(path, bytes);
      else await writeFile(path, bytes);
      return digest;
    }
    const hashing = hashingStream(maxBytes);
    await pipeline(source, hashing.stream, createWriteStream(path));
    return hashing.digest();
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
      const base = join(this.root, area);
      for (const a of await shardsIn(base)) {
        for (const b of await shardsIn(join(base, a))) {
          for (const name of await namesIn(join(base, a, b))) {
            if (isBlobKey(`${area}${name}`)) yield `${area}${name}`;
          }
        }
      }
    }
  }

  /** `<root>[/uploads]/ab/cd/<key>`: two levels of folders by the hash's first characters. */
  private pathOf(key: string): string {
    const slash = key.indexOf("/");
    const name = key.slice(slash + 1);
    return join(this.root, key.slice(0, slash + 1), name.slice(0, 2), name.slice(2, 4), name);
  }
}

const namesIn = (dir: string): Promise<string[]> => readdir(dir).catch(() => []);
const shardsIn = async (dir: string): Promise<string[]> =>
  (await namesIn(dir)).filter((name) => /^[0-9a-f]{2}$/.test(name));
