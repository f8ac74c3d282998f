import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GatewayError } from "../core/errors.ts";
import { type BlobStat, type BlobStorage, isBlobKey, type StoredBlob } from "./blob-storage.ts";

/** Content-addressed files on local disk, written through a temporary file and renamed into place. */
export class LocalStorage implements BlobStorage {
  readonly root: string;
  private readonly knownDirs = new Set<string>();

  constructor(root: string) {
    this.root = root;
  }

  async put(
    source: Readable | Uint8Array,
    extension: string,
    maxBytes = Number.POSITIVE_INFINITY,
  ): Promise<StoredBlob> {
    const tmpDir = await this.ensureDir(join(this.root, "tmp"));
    const tmpPath = join(tmpDir, randomBytes(12).toString("hex"));
    const sha256 = createHash("sha256");
    const md5 = createHash("md5");
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) {
          callback(new GatewayError("payload_too_large", `file is larger than ${maxBytes} bytes`));
          return;
        }
        sha256.update(chunk);
        md5.update(chunk);
        callback(null, chunk);
      },
    });
    const input = source instanceof Uint8Array ? Readable.from([source]) : source;
    try {
      await pipeline(input, hashing, createWriteStream(tmpPath));
      const digest = sha256.digest("hex");
      const key = `${digest}.${extension.toLowerCase()}`;
      const finalPath = this.pathOf(key);
      await this.ensureDir(dirname(finalPath));
      await rename(tmpPath, finalPath);
      return { key, size, sha256: digest, md5: md5.digest("hex") };
    } catch (error) {
      await rm(tmpPath, { force: true });
      throw error;
    }
  }

  private async ensureDir(dir: string): Promise<string> {
    if (!this.knownDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.knownDirs.add(dir);
    }
    return dir;
  }

  async open(key: string): Promise<Readable> {
    const info = await this.stat(key);
    if (!info) throw new GatewayError("not_found", "file not found");
    return createReadStream(this.pathOf(key));
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

  private pathOf(key: string): string {
    return join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }
}
