/**
 * Blob stores for the storage tests, started by the tests on free loopback ports with temporary
 * folders, each in a process of its own: s3rver (S3) and Azurite (Azure Blob, with its well-known
 * development account, which checks shared-key and SAS signatures).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { BlobServiceClient } from "@azure/storage-blob";
import { freePort } from "./free-port.ts";
import { until } from "./until.ts";

const require = createRequire(import.meta.url);

/** A running blob store (or a local folder) and the gengate environment that stores files in it. */
export interface BlobEmulator {
  driver: "local" | "s3" | "azblob";
  /** STORAGE_URL and the driver's variables. */
  env: Record<string, string>;
  /** Every object of the place named by `env`, temporary ones and (Azure) uncommitted ones too. */
  objects(): Promise<string[]>;
  close(): Promise<void>;
}

/** s3rver's built-in account. */
export const S3_TEST_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
export const S3_TEST_REGION = "us-east-1";

export async function startS3rver(): Promise<BlobEmulator> {
  const directory = mkdtempSync(join(tmpdir(), "gengate-s3rver-"));
  const port = await freePort();
  const bin = require.resolve("s3rver/bin/s3rver.js");
  const server = await startEmulator(
    [bin, "-d", directory, "-a", "127.0.0.1", "-p", String(port), "-s"],
    `http://127.0.0.1:${port}/`,
    directory,
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: S3_TEST_REGION,
    forcePathStyle: true,
    credentials: S3_TEST_CREDENTIALS,
  });
  await client.send(new CreateBucketCommand({ Bucket: "outputs" }));
  return {
    driver: "s3",
    env: {
      STORAGE_URL: "s3://outputs/gengate",
      S3_ENDPOINT: endpoint,
      S3_REGION: S3_TEST_REGION,
      S3_FORCE_PATH_STYLE: "1",
      AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
    },
    async objects() {
      const page = await client.send(new ListObjectsV2Command({ Bucket: "outputs" }));
      return (page.Contents ?? []).map((object) => object.Key ?? "").sort();
    },
    async close() {
      client.destroy();
      await server.stop();
    },
  };
}

/** Azurite's documented development account. */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

interface EmulatorProcess {
  stop(): Promise<void>;
}

/**
 * Runs an emulator (`args` after node) in its own process, so its memory is not the test's or
 * the benchmark's, until `probeUrl` answers; `folder` is removed when it stops.
 */
async function startEmulator(args: string[], probeUrl: string, folder: string): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    child.kill("SIGKILL");
    await exited;
    rmSync(folder, { recursive: true, force: true });
  };
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  try {
    await until(async () => {
      if (ended) throw new Error(`${args[0]} exited before listening:\n${errors}`);
      return (await fetch(probeUrl).catch(() => undefined)) ? true : undefined;
    }, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

export async function startAzurite(): Promise<BlobEmulator> {
  const location = mkdtempSync(join(tmpdir(), "gengate-azurite-"));
  const port = await freePort();
  const main = require.resolve("azurite/dist/src/blob/main.js");
  const args = ["--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", location];
  const server = await startEmulator(
    [main, ...args, "--skipApiVersionCheck", "--disableTelemetry", "--silent"],
    `http://127.0.0.1:${port}/`,
    location,
  );
  const connectionString = [
    "DefaultEndpointsProtocol=http",
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
  ].join(";");
  const service = BlobServiceClient.fromConnectionString(connectionString);
  await service.getContainerClient("outputs").create();
  return {
    driver: "azblob",
    env: { STORAGE_URL: "azblob://outputs/gengate", AZURE_STORAGE_CONNECTION_STRING: connectionString },
    async objects() {
      const names: string[] = [];
      const listing = service.getContainerClient("outputs").listBlobsFlat({ includeUncommitedBlobs: true });
      for await (const blob of listing) names.push(blob.name);
      return names.sort();
    },
    close: () => server.stop(),
  };
}
