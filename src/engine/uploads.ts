/**
 * Uploaded files (the files API, and inputs sent as data URLs): their bytes in the storage's
 * `uploads` area, never served publicly, and their metadata in the files table. An upload is
 * read only by its token (or an admin) until it expires; removing or sweeping one drops its bytes
 * once no live upload holds the same content, so nothing can fetch it any more.
 */
import type { Readable } from "node:stream";
import type { Logger } from "pino";
import { newId } from "../core/ids.ts";
import { type BlobStorage, extensionOfContentType, isUploadKey } from "../storage/blob-storage.ts";
import type { ListFilesOptions, Store, StoredFile } from "../store/index.ts";
import { WakeableLoop } from "./wakeable-loop.ts";

const UPLOAD_PATH = /\/v1\/files\/([a-z0-9]+)$/;
const SWEEP_EVERY_MS = 60_000;
const SWEEP_BATCH = 100;

/** The upload id a gengate file URL (`<any host>/v1/files/<id>`) names, if it is one. */
export function uploadIdOf(url: string): string | undefined {
  const pathname = URL.parse(url)?.pathname;
  return pathname === undefined ? undefined : UPLOAD_PATH.exec(pathname)?.[1];
}

export interface NewUpload {
  name: string;
  contentType: string;
  metadata: Record<string, unknown>;
  tokenId: string | null;
  /** Null: kept until deleted. */
  expiresAt: number | null;
}

export class Uploads {
  private readonly store: Store;
  private readonly storage: BlobStorage;
  private readonly loop: WakeableLoop;

  constructor(store: Store, storage: BlobStorage, logger: Logger) {
    this.store = store;
    this.storage = storage;
    this.loop = new WakeableLoop(
      () => this.sweep(),
      (error) => logger.error({ err: error }, "sweeping expired uploads failed"),
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One sweep of expired uploads, for a host that runs passes instead of the loop. */
  async pass(): Promise<void> {
    await this.sweep();
  }

  async add(source: Readable | Uint8Array, upload: NewUpload, maxBytes?: number): Promise<StoredFile> {
    const extension = extensionOfContentType(upload.contentType);
    const stored = await this.storage.put(source, extension, maxBytes, "uploads");
    const file: StoredFile = {
      id: newId(),
      ...upload,
      size: stored.size,
      sha256: stored.sha256,
      md5: stored.md5,
      storageKey: stored.key,
      createdAt: Date.now(),
    };
    await this.store.files.insert(file);
    return file;
  }

  /** Whether an upload with this id was ever made and is not deleted yet (expired or not). */
  async exists(id: string): Promise<boolean> {
    return (await this.store.files.get(id)) !== null;
  }

  /** The upload if it is live and `scope` may read it: undefined reads any token's (an admin). */
  get(id: string, scope: string | null | undefined): Promise<StoredFile | null> {
    return this.store.files.getLive(id, Date.now(), scope);
  }

  /** The upload if it is live and work of `tokenId` may read it (its own, or any for an admin's). */
  async readableBy(id: string, tokenId: string | null): Promise<StoredFile | null> {
    const token = tokenId === null ? null : await this.store.tokens.get(tokenId);
    return this.get(id, token?.isAdmin ? undefined : tokenId);
  }

  /** Live uploads, newest first. */
  list(options: Omit<ListFilesOptions, "liveAt">): Promise<StoredFile[]> {
    return this.store.files.list({ ...options, liveAt: Date.now() });
  }

  async remove(file: StoredFile): Promise<void> {
    if (await this.store.files.delete(file.id)) await this.dropBytesIfUnused(file.storageKey);
  }

  private async dropBytesIfUnused(key: string): Promise<void> {
    // Uploads made before the uploads area existed share their key with outputs: those stay.
    if (!isUploadKey(key)) return;
    if (!(await this.store.files.isKeyLive(key, Date.now()))) await this.storage.delete(key);
  }

  private async sweep(): Promise<number> {
    const expired = await this.store.files.expired(Date.now(), SWEEP_BATCH);
    for (const file of expired) await this.remove(file);
    return expired.length === SWEEP_BATCH ? 0 : SWEEP_EVERY_MS;
  }
}
