/**
 * Blobs in an Azure Blob Storage container. A stream goes up as blocks to a temporary blob, then
 * is copied to its content key inside the account: blocks of an upload cut short stay
 * uncommitted (Azure drops them after a week) and nothing appears under a content key. Bytes in
 * memory, whose key is known before they go, are uploaded to their content key at once: a blob
 * appears only when its one Put Blob (or its block list) is committed.
 */
import { pipeline as pipe, Readable } from "node:stream";
import { BlobSASPermissions, type ContainerClient, RestError } from "@azure/storage-blob";
import { GatewayError } from "../core/errors.ts";
import {
  type BlobArea,
  type BlobStat,
  type ByteRange,
  blobKey,
  contentTypeOfKey,
  isBlobKey,
  type StoredBlob,
  temporaryKey,
} from "./blob-storage.ts";
import { ContentAddressedStorage } from "./content-addressed-storage.ts";
import { hashingStream } from "./hashing-stream.ts";

const BLOCK_BYTES = 4 * 1024 * 1024;
const BLOCKS_IN_FLIGHT = 2;
/** How long the copy inside the account may read the temporary blob. */
const COPY_SAS_SECONDS = 3600;

export interface AzureBlobStorageOptions {
  container: ContainerClient;
  /** Empty, or ending with `/`. */
  prefix: string;
}

const isNotFound = (error: unknown) => error instanceof RestError && error.statusCode === 404;

export class AzureBlobStorage extends ContentAddressedStorage {
  readonly location: string;
  private readonly container: ContainerClient;
  private readonly prefix: string;

  constructor(options: AzureBlobStorageOptions) {
    super();
    this.container = options.container;
    this.prefix = options.prefix;
    this.location = `azblob://${options.container.containerName}/${options.prefix}`;
  }

  protected async putBytes(bytes: Uint8Array, blob: StoredBlob): Promise<void> {
    await this.container
      .getBlockBlobClient(this.prefix + blob.key)
      .uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentTypeOfKey(blob.key) } });
  }

  protected async putStream(
    input: Readable,
    extension: string,
    maxBytes: number,
    area: BlobArea,
  ): Promise<StoredBlob> {
    const blobContentType = contentTypeOfKey(`x.${extension.toLowerCase()}`);
    const hashing = hashingStream(maxBytes);
    const body = pipe(input, hashing.stream, () => {});
    const tmp = this.container.getBlockBlobClient(this.prefix + temporaryKey());
    try {
      await tmp.uploadStream(body, BLOCK_BYTES, BLOCKS_IN_FLIGHT, { blobHTTPHeaders: { blobContentType } });
      const digest = hashing.digest();
      const key = blobKey(digest.sha256, extension, area);
      if ((await this.stat(key))?.size !== digest.size) {
        const sourceUrl = await tmp.generateSasUrl({
          permissions: BlobSASPermissions.parse("r"),
          expiresOn: new Date(Date.now() + COPY_SAS_SECONDS * 1000),
        });
        const copy = await this.container.getBlobClient(this.prefix + key).beginCopyFromURL(sourceUrl);
        await copy.pollUntilDone();
      }
      return { key, ...digest };
    } catch (error) {
      // The stream's own error (a size limit) says more than the upload's.
      const cause = hashing.stream.errored ?? input.errored ?? error;
      // A failed upload stops reading its source (a provider's download, say) too.
      body.destroy();
      throw cause;
    } finally {
      await tmp.deleteIfExists().catch(() => {});
    }
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    if (!isBlobKey(key)) throw new GatewayError("not_found", "file not found");
    try {
      const blob = this.container.getBlobClient(this.prefix + key);
      const answer = range
        ? await blob.download(range.start, range.end - range.start + 1)
        : await blob.download();
      const body = answer.readableStreamBody;
      if (!body) throw new Error("Azure answered a download without a body");
      return body instanceof Readable ? body : Readable.from(body);
    } catch (error) {
      if (isNotFound(error)) throw new GatewayError("not_found", "file not found");
      throw error;
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    if (!isBlobKey(key)) return null;
    try {
      const properties = await this.container.getBlobClient(this.prefix + key).getProperties();
      return { size: properties.contentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    if (isBlobKey(key)) await this.container.getBlobClient(this.prefix + key).deleteIfExists();
  }

  async *keys(): AsyncIterable<string> {
    for await (const blob of this.container.listBlobsFlat({ prefix: this.prefix })) {
      const key = blob.name.slice(this.prefix.length);
      if (isBlobKey(key)) yield key;
    }
  }

  signedUrl(key: string, expiresInSeconds: number): Promise<string> {
    return this.container.getBlobClient(this.prefix + key).generateSasUrl({
      permissions: BlobSASPermissions.parse("r"),
      expiresOn: new Date(Date.now() + expiresInSeconds * 1000),
      contentType: contentTypeOfKey(key),
    });
  }
}
