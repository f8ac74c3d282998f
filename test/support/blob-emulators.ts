/**
 * Blob stores for the storage tests, started by the tests on free loopback ports with temporary
 * folders: s3rver (S3) and Azurite (Azure Blob, with its well-known development account). When
 * one cannot start, its suites are skipped and said so, or fail with GENGATE_REQUIRE_BACKENDS=1.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { BlobServiceClient } from "@azure/storage-blob";
import { freePort } from "./free-port.ts";

const require = createRequire(import.meta.url);

/** A running blob store (or a local folder) and the gengate environment that stores files in it. */
export interface BlobEmulator {
  driver: "local" | "s3" | "azblob";
  /** STORAGE_URL and the driver's variables. */
  env: Record<string, string>;
  /** Every object of the place named by `env`, temporary ones and (Azure) uncommitted ones too. */
  objects(): Promise<string[]>;
  /** Another bucket or container of the same store, for copies between them. */
  newPlace(name: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** s3rver's built-in account. */
export const S3_TEST_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
export const S3_TEST_REGION = "us-east-1";

export async function startS3rver(): Promise<BlobEmulator> {
  const S3rver = require("s3rver") as new (
    options: object,
  ) => {
    run(): Promise<unknown>;
    close(): Promise<void>;
  };
  const directory = mkdtempSync(join(tmpdir(), "gengate-s3rver-"));
  const port = await freePort();
  const server = new S3rver({
    address: "127.0.0.1",
    port,
    directory,
    silent: true,
    allowMismatchedSignatures: false,
  });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: S3_TEST_REGION,
    forcePathStyle: true,
    credentials: S3_TEST_CREDENTIALS,
  });
  const newPlace = async (bucket: string) => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return {
      STORAGE_URL: `s3://${bucket}/gengate`,
      S3_ENDPOINT: endpoint,
      S3_REGION: S3_TEST_REGION,
      S3_FORCE_PATH_STYLE: "1",
      AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
    };
  };
  return {
    driver: "s3",
    env: await newPlace("outputs"),
    newPlace,
    async objects() {
      const page = await client.send(new ListObjectsV2Command({ Bucket: "outputs" }));
      return (page.Contents ?? []).map((object) => object.Key ?? "").sort();
    },
    async close() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Azurite's documented development account. */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** Waits until `child` writes `pattern` to its output; fails if it exits first. */
function outputOf(child: ChildProcess, pattern: RegExp): Promise<void> {
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`Azurite exited (${code}) before listening:\n${output}`)));
  });
}

export async function startAzurite(): Promise<BlobEmulator> {
  const location = mkdtempSync(join(tmpdir(), "gengate-azurite-"));
  const port = await freePort();
  const main = require.resolve("azurite/dist/src/blob/main.js");
  const child = spawn(
    process.execPath,
    [
      main,
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(port),
      "--location",
      location,
      "--skipApiVersionCheck",
      "--disableTelemetry",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await outputOf(child, /successfully listens/);
  } catch (error) {
    rmSync(location, { recursive: true, force: true });
    throw error;
  }
  const connectionString = [
    "DefaultEndpointsProtocol=http",
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
  ].join(";");
  const service = BlobServiceClient.fromConnectionString(connectionString);
  const newPlace = async (container: string) => {
    await service.getContainerClient(container).create();
    return {
      STORAGE_URL: `azblob://${container}/gengate`,
      AZURE_STORAGE_CONNECTION_STRING: connectionString,
    };
  };
  return {
    driver: "azblob",
    env: await newPlace("outputs"),
    newPlace,
    async objects() {
      const names: string[] = [];
      const listing = service.getContainerClient("outputs").listBlobsFlat({ includeUncommitedBlobs: true });
      for await (const blob of listing) names.push(blob.name);
      return names.sort();
    },
    async close() {
      child.kill("SIGKILL");
      await exited;
      rmSync(location, { recursive: true, force: true });
    },
  };
}
