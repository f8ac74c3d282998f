/**
 * A real S3-compatible store for the storage suites, when `GENGATE_TEST_S3_URL` names one
 * (`s3://bucket/prefix`, with `S3_ENDPOINT`, `S3_REGION`, `S3_FORCE_PATH_STYLE` and the AWS
 * credential variables in the environment, as gengate reads them). Each run writes under a prefix
 * of its own and deletes what it wrote.
 */
import { randomBytes } from "node:crypto";
import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { BlobEmulator } from "./blob-emulators.ts";

export const REAL_S3_URL = process.env.GENGATE_TEST_S3_URL;

const S3_VARIABLES = [
  "S3_ENDPOINT",
  "S3_REGION",
  "S3_FORCE_PATH_STYLE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
];

export async function startRealS3(url = REAL_S3_URL ?? ""): Promise<BlobEmulator> {
  const parsed = new URL(url);
  if (parsed.protocol !== "s3:") throw new Error("GENGATE_TEST_S3_URL must look like s3://bucket/prefix");
  const bucket = parsed.hostname;
  const prefix = [parsed.pathname.replace(/^\/+|\/+$/g, ""), `gengate-test-${randomBytes(6).toString("hex")}`]
    .filter(Boolean)
    .join("/");
  const env: Record<string, string> = { STORAGE_URL: `s3://${bucket}/${prefix}` };
  for (const name of S3_VARIABLES) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  const client = new S3Client({
    region: env.S3_REGION ?? "us-east-1",
    forcePathStyle: env.S3_FORCE_PATH_STYLE === "1" || env.S3_FORCE_PATH_STYLE === "true",
    ...(env.S3_ENDPOINT && { endpoint: env.S3_ENDPOINT }),
  });
  const keys = async () => {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }),
      );
      names.push(...(page.Contents ?? []).map((object) => object.Key ?? ""));
      token = page.NextContinuationToken;
    } while (token);
    return names.sort();
  };
  return {
    driver: "s3",
    env,
    objects: keys,
    async close() {
      for (const key of await keys())
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      client.destroy();
    },
  };
}
