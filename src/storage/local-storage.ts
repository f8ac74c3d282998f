import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GatewayError } from "../core/errors.ts";
import {
  type BlobArea,
  type BlobStat,
  type BlobStorage,
  blobKey,
  isBlobKey,
  type StoredBlob,
} from "./blob-storage.ts";

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
    area: BlobArea = "public",
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
      const key = blobKey(digest, extension, area);
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

  async delete(key: string): Promise<void> {
    if (isBlobKey(key)) await rm(this.pathOf(key), { force: true });
  }

  /** `<root>[/uploads]/ab/cd/<key>`: two levels of folders by the hash's first characters. */
  private pathOf(key: string): string {
    const slash = key.indexOf("/");
    const name = key.slice(slash + 1);
    return join(this.root, key.slice(0, slash + 1), name.slice(0, 2), name.slice(2, 4), name);
  }
}
