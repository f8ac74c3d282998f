/** The blob driver a storage target names. */
import { S3Client } from "@aws-sdk/client-s3";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { AzureBlobStorage } from "./azure-blob-storage.ts";
import type { BlobStorage } from "./blob-storage.ts";
import { LocalStorage } from "./local-storage.ts";
import { S3Storage } from "./s3-storage.ts";
import type { StorageTarget } from "./storage-config.ts";

export function openStorage(target: StorageTarget): BlobStorage {
  if (target.driver === "file") return new LocalStorage(target.dir);
  if (target.driver === "s3") {
    const client = new S3Client({
      region: target.region,
      forcePathStyle: target.forcePathStyle,
      ...(target.endpoint && { endpoint: target.endpoint }),
      ...(target.credentials && { credentials: target.credentials }),
      // S3-compatible stores (R2, Yandex, MinIO, older servers) do not all take the newer default checksums.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    return new S3Storage({ client, bucket: target.bucket, prefix: target.prefix });
  }
  const { credentials } = target;
  const service =
    "connectionString" in credentials
      ? BlobServiceClient.fromConnectionString(credentials.connectionString)
      : new BlobServiceClient(
          `https://${credentials.account}.blob.core.windows.net`,
          new StorageSharedKeyCredential(credentials.account, credentials.key),
        );
  return new AzureBlobStorage({
    container: service.getContainerClient(target.container),
    prefix: target.prefix,
  });
}
