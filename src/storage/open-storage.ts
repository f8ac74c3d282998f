/**
 * The blob driver a storage target names. A cloud driver's SDK is loaded only when a target names
 * it: each costs a process tens of MiB it never uses otherwise.
 */
import type { BlobStorage } from "./blob-storage.ts";
import { LocalStorage } from "./local-storage.ts";
import type { StorageTarget } from "./storage-config.ts";

export async function openStorage(target: StorageTarget): Promise<BlobStorage> {
  if (target.driver === "file") return new LocalStorage(target.dir);
  if (target.driver === "s3") {
    const [{ S3Client }, { S3Storage }] = await Promise.all([
      import("@aws-sdk/client-s3"),
      import("./s3-storage.ts"),
    ]);
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
  const [{ BlobServiceClient, StorageSharedKeyCredential }, { AzureBlobStorage }] = await Promise.all([
    import("@azure/storage-blob"),
    import("./azure-blob-storage.ts"),
  ]);
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
