/** Every blob driver against a real store: local disk, S3 (s3rver) and Azure Blob (Azurite). */
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer, text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../src/core/env-config.ts";
import type { BlobStorage } from "../src/storage/blob-storage.ts";
import { openStorage } from "../src/storage/open-storage.ts";
import { storageTargetOf } from "../src/storage/storage-config.ts";
import {
  type BlobEmulator,
  S3_TEST_CREDENTIALS,
  S3_TEST_REGION,
  startS3rver,
} from "./support/blob-emulators.ts";
import { startDroppingProxy } from "./support/dropping-proxy.ts";
import { randomStream } from "./support/random-stream.ts";
import { checkPresignedUrl } from "./support/sigv4.ts";
import { describeEachDriver } from "./support/storage-drivers.ts";

const sha256Of = async (stream: Readable) =>
  createHash("sha256")
    .update(await buffer(stream))
    .digest("hex");

async function allKeys(storage: BlobStorage): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of storage.keys()) keys.push(key);
  return keys.sort();
}

describeEachDriver("a blob driver", (store) => {
  const open = () => openStorage(storageTargetOf(store().env.STORAGE_URL, store().env, "/unused"));

  it("stores a stream under its content hash once, reads it whole or by range, lists and deletes it", async () => {
    const storage = await open();
    const stored = await storage.put(Readable.from(["hello ", "world"]), "txt");
    expect(stored).toEqual({
      key: "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9.txt",
      size: 11,
      sha256: "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
      md5: "5eb63bbbe01eeed093cb22bb8f5acdc3",
    });
    expect(await storage.put(Buffer.from("hello world"), "txt")).toEqual(stored);
    const upload = await storage.put(Buffer.from("hello world"), "txt", undefined, "uploads");
    expect(upload.key).toBe(`uploads/${stored.key}`);
    expect(await text(await storage.open(stored.key))).toBe("hello world");
    expect(await text(await storage.open(stored.key, { start: 6, end: 10 }))).toBe("world");
    expect(await storage.stat(stored.key)).toEqual({ size: 11 });
    expect(await allKeys(storage)).toEqual([stored.key, upload.key].sort());
    await storage.delete(stored.key);
    await storage.delete(stored.key);
    expect(await storage.stat(stored.key)).toBeNull();
    await expect(storage.open(stored.key)).rejects.toMatchObject({ code: "not_found" });
    expect(await allKeys(storage)).toEqual([upload.key]);
    await storage.delete(upload.key);
  });

  it("streams a file bigger than one part (a multipart upload) and reads back the same bytes", async () => {
    const storage = await open();
    const size = 12 * 1024 * 1024 + 123;
    const seed = randomBytes(32);
    const expected = await sha256Of(randomStream(size, seed));
    const stored = await storage.put(randomStream(size, seed), "bin");
    expect(stored.size).toBe(size);
    expect(stored.sha256).toBe(expected);
    expect(await sha256Of(await storage.open(stored.key))).toBe(expected);
    const tail = await buffer(await storage.open(stored.key, { start: size - 10, end: size - 1 }));
    expect(tail).toHaveLength(10);
    await storage.delete(stored.key);
  });

  it("refuses content over the size limit and leaves nothing listed", async () => {
    const storage = await open();
    await expect(storage.put(randomStream(6 * 1024 * 1024), "bin", 1024 * 1024)).rejects.toMatchObject({
      code: "payload_too_large",
    });
    expect(await allKeys(storage)).toEqual([]);
    expect(await store().objects()).toEqual([]);
  });

  it("fails with its source's error when the source breaks mid-file, and keeps nothing", async () => {
    const storage = await open();
    let chunks = 0;
    const broken = new Readable({
      read() {
        if (++chunks > 20) this.destroy(new Error("the provider hung up"));
        else this.push(Buffer.alloc(64 * 1024, chunks));
      },
    });
    await expect(storage.put(broken, "png")).rejects.toThrow("the provider hung up");
    expect(await allKeys(storage)).toEqual([]);
  });

  it("answers not found for unknown and malformed keys", async () => {
    const storage = await open();
    expect(await storage.stat(`${"0".repeat(64)}.png`)).toBeNull();
    expect(await storage.stat("../../etc/passwd")).toBeNull();
    await expect(storage.open(`${"0".repeat(64)}.png`)).rejects.toMatchObject({ code: "not_found" });
  });

  it("stores bytes in memory in one write straight to their content key, with no temporary object", async () => {
    const emulator = store();
    const origin = Object.values(emulator.env)
      .join(" ")
      .match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];
    // Requests are counted on an emulator (through a proxy); local disk and a remote store show their objects only.
    const proxy = origin && (await startDroppingProxy(origin, { drop: () => false, count: 0 }));
    try {
      const env = Object.fromEntries(
        Object.entries(emulator.env).map(([name, value]) => [
          name,
          proxy && origin ? value.replaceAll(origin, new URL(proxy.url).origin) : value,
        ]),
      );
      const storage = await openStorage(storageTargetOf(env.STORAGE_URL, env, "/unused"));
      const bytes = Buffer.from("bytes in hand");
      const stored = await storage.put(bytes, "txt");
      expect(stored.key).toBe(`${createHash("sha256").update(bytes).digest("hex")}.txt`);
      if (proxy) expect(proxy.forwarded.map(({ method }) => method)).toEqual(["PUT"]);
      // S3 checks what it got against the MD5 the PUT carries (s3rver takes it unchecked).
      if (proxy && emulator.driver === "s3")
        expect(proxy.forwarded[0]?.headers["content-md5"]).toBe(
          createHash("md5").update(bytes).digest("base64"),
        );
      expect((await emulator.objects()).filter((name) => !name.endsWith(stored.key))).toEqual([]);
      expect(await text(await storage.open(stored.key))).toBe("bytes in hand");
      await storage.delete(stored.key);
    } finally {
      if (proxy) await proxy.close();
    }
  });

  it("gives a short-lived URL of the store that reads the blob (object stores only), refused once tampered", async () => {
    const storage = await open();
    if (store().driver === "local") {
      expect(storage.signedUrl).toBeUndefined();
      return;
    }
    const { key } = await storage.put(Buffer.from("via the store"), "txt");
    const url = (await storage.signedUrl?.(key, 60)) ?? "";
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await answer.text()).toBe("via the store");
    if (store().driver === "azblob") {
      const sig = new URL(url).searchParams.get("sig") ?? "";
      const tampered = url.replace(
        encodeURIComponent(sig),
        encodeURIComponent(`${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`),
      );
      expect(tampered).not.toBe(url);
      expect((await fetch(tampered)).status).toBe(403);
    }
    await storage.delete(key);
  });
});

it("names the variable of a storage mistake, never a secret", () => {
  expect(() => storageTargetOf("azblob://outputs", {}, "/d")).toThrow(/AZURE_STORAGE_CONNECTION_STRING/);
  expect(() => storageTargetOf("s3://", {}, "/d")).toThrow(/^STORAGE_URL: names no bucket/);
  expect(() => storageTargetOf("ftp://x/y", {}, "/d")).toThrow(ConfigError);
  expect(() => storageTargetOf("s3://b", { S3_ENDPOINT: "minio:9000" }, "/d")).toThrow(/^S3_ENDPOINT: /);
  expect(() => storageTargetOf("s3://b", { AWS_ACCESS_KEY_ID: "AKIA" }, "/d")).toThrow(
    /AWS_SECRET_ACCESS_KEY/,
  );
  const secret = "DefaultEndpointsProtocol=https;AccountName=x;SharedAccessSignature=sv=hunter2";
  expect(() => storageTargetOf("azblob://c", { AZURE_STORAGE_CONNECTION_STRING: secret }, "/d")).toThrow(
    /^AZURE_STORAGE_CONNECTION_STRING: must hold the AccountKey[^"]*$/,
  );
  expect(storageTargetOf("s3://bucket/a/b/", { S3_FORCE_PATH_STYLE: "1" }, "/d")).toMatchObject({
    driver: "s3",
    bucket: "bucket",
    prefix: "a/b/",
    forcePathStyle: true,
    region: "us-east-1",
  });
  expect(storageTargetOf(undefined, {}, "/d")).toEqual({ driver: "file", dir: "/d/files" });
});

describe("the S3 driver's presigned URLs", () => {
  let s3: BlobEmulator;
  beforeAll(async () => {
    s3 = await startS3rver();
  });
  afterAll(() => s3?.close());

  it("are AWS Signature Version 4 URLs, signed with the configured key, that expire when asked", async () => {
    const storage = await openStorage(storageTargetOf(s3.env.STORAGE_URL, s3.env, "/unused"));
    const { key } = await storage.put(Buffer.from("presigned"), "png");
    const before = Date.now();
    const url = (await storage.signedUrl?.(key, 300)) ?? "";
    expect(new URL(url).pathname).toBe(`/outputs/gengate/${key}`);
    const check = checkPresignedUrl(url, S3_TEST_CREDENTIALS, S3_TEST_REGION);
    expect(check.valid).toBe(true);
    expect(check.expiresInSeconds).toBe(300);
    expect(check.signedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(check.signedAt).toBeLessThanOrEqual(Date.now());
    expect(new URL(url).searchParams.get("response-content-type")).toBe("image/png");
    const signature = new URL(url).searchParams.get("X-Amz-Signature") ?? "";
    const flipped = `${signature[0] === "a" ? "b" : "a"}${signature.slice(1)}`;
    expect(
      checkPresignedUrl(url.replace(signature, flipped), S3_TEST_CREDENTIALS, S3_TEST_REGION).valid,
    ).toBe(false);
    const otherKey = url.replace(key, `${"0".repeat(64)}.png`);
    expect(checkPresignedUrl(otherKey, S3_TEST_CREDENTIALS, S3_TEST_REGION).valid).toBe(false);
    expect(
      checkPresignedUrl(url, { ...S3_TEST_CREDENTIALS, secretAccessKey: "other" }, S3_TEST_REGION).valid,
    ).toBe(false);
  });
});
