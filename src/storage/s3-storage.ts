/**
 * Blobs in an S3-compatible bucket (AWS, Yandex Object Storage, Cloudflare R2, MinIO). A stream
 * goes up as a multipart upload to a temporary key, then is copied to its content key inside the
 * bucket: an upload cut short is never visible under a content key. Bytes in memory, whose key is
 * known before they go, are one PUT to their content key, which S3 stores whole or not at all.
 */
import { pipeline as pipe, type Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
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

/** AWS's smallest part; bigger files go up in parts of this size, two at a time. */
const PART_BYTES = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

export interface S3StorageOptions {
  client: S3Client;
  bucket: string;
  /** Empty, or ending with `/`. */
  prefix: string;
}

const isNotFound = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404;
};

export class S3Storage extends ContentAddressedStorage {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3StorageOptions) {
    super();
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.location = `s3://${options.bucket}/${options.prefix}`;
  }

  protected async putBytes(bytes: Uint8Array, blob: StoredBlob): Promise<void> {
    // The store checks the bytes it got against their MD5, so a content key never holds others.
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.prefix + blob.key,
        Body: bytes,
        ContentType: contentTypeOfKey(blob.key),
        ContentMD5: Buffer.from(blob.md5, "hex").toString("base64"),
      }),
    );
  }

  protected async putStream(
    input: Readable,
    extension: string,
    maxBytes: number,
    area: BlobArea,
  ): Promise<StoredBlob> {
    const contentType = contentTypeOfKey(`x.${extension.toLowerCase()}`);
    const hashing = hashingStream(maxBytes);
    const body = pipe(input, hashing.stream, () => {});
    const tmpKey = this.prefix + temporaryKey();
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: tmpKey, Body: body, ContentType: contentType },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
      const digest = hashing.digest();
      const key = blobKey(digest.sha256, extension, area);
      if ((await this.stat(key))?.size !== digest.size) {
        await this.client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: this.prefix + key,
            CopySource: encodeURI(`${this.bucket}/${tmpKey}`),
          }),
        );
      }
      return { key, ...digest };
    } catch (error) {
      // The stream's own error (a size limit) says more than the upload's.
      const cause = hashing.stream.errored ?? input.errored ?? error;
      // A failed upload stops reading its source (a provider's download, say) too.
      body.destroy();
      throw cause;
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: tmpKey })).catch(() => {});
    }
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    if (!isBlobKey(key)) throw new GatewayError("not_found", "file not found");
    try {
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          ...(range && { Range: `bytes=${range.start}-${range.end}` }),
        }),
      );
      return answer.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new GatewayError("not_found", "file not found");
      throw error;
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    if (!isBlobKey(key)) return null;
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    if (!isBlobKey(key)) return;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
  }

  async *keys(): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.prefix.length) ?? "";
        if (isBlobKey(key)) yield key;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  signedUrl(key: string, expiresInSeconds: number): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.prefix + key,
      ResponseContentType: contentTypeOfKey(key),
    });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds });
  }
}
