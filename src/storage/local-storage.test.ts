import { mkdtempSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../core/errors.ts";
import { isPublicBlobKey } from "./blob-storage.ts";
import { LocalStorage } from "./local-storage.ts";

const newStorage = () => new LocalStorage(mkdtempSync(join(tmpdir(), "gengate-storage-")));

describe("LocalStorage", () => {
  it("stores a stream under its content hash and reads it back", async () => {
    const storage = newStorage();
    const stored = await storage.put(Readable.from(["hello ", "world"]), "txt");
    expect(stored.key).toBe("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9.txt");
    expect(stored.size).toBe(11);
    expect(stored.md5).toBe("5eb63bbbe01eeed093cb22bb8f5acdc3");
    expect(await text(await storage.open(stored.key))).toBe("hello world");
    expect(await storage.stat(stored.key)).toEqual({ size: 11 });
  });

  it("keeps one copy of repeated content and leaves no temporary files", async () => {
    const storage = newStorage();
    const a = await storage.put(Buffer.from("same"), "bin");
    const b = await storage.put(Buffer.from("same"), "bin");
    expect(a.key).toBe(b.key);
    expect(await readdir(join(storage.root, "tmp"))).toEqual([]);
  });

  it("stores bytes in memory as it stores the same bytes streamed", async () => {
    const storage = newStorage();
    const streamed = await storage.put(Readable.from(["hello ", "world"]), "txt");
    const inMemory = await storage.put(Buffer.from("hello world"), "txt");
    expect(inMemory).toEqual(streamed);
    expect(await text(await storage.open(inMemory.key))).toBe("hello world");
  });

  it("refuses content over the size limit, in memory or streamed, and keeps nothing", async () => {
    const storage = newStorage();
    for (const content of [Buffer.alloc(100), Readable.from([Buffer.alloc(60), Buffer.alloc(40)])]) {
      await expect(storage.put(content, "bin", 10)).rejects.toMatchObject({ code: "payload_too_large" });
    }
    expect(await readdir(join(storage.root, "tmp"))).toEqual([]);
  });

  it("answers not found for unknown and malformed keys", async () => {
    const storage = newStorage();
    await expect(storage.open(`${"0".repeat(64)}.png`)).rejects.toBeInstanceOf(GatewayError);
    expect(await storage.stat("../../etc/passwd")).toBeNull();
  });

  it("keeps uploads apart from public blobs, and deletes a blob", async () => {
    const storage = newStorage();
    const upload = await storage.put(Buffer.from("mine"), "png", undefined, "uploads");
    const output = await storage.put(Buffer.from("mine"), "png");
    expect(upload.key).toBe(`uploads/${output.key}`);
    expect(isPublicBlobKey(upload.key)).toBe(false);
    expect(isPublicBlobKey(output.key)).toBe(true);
    await storage.delete(upload.key);
    expect(await storage.stat(upload.key)).toBeNull();
    expect(await text(await storage.open(output.key))).toBe("mine");
    await storage.delete(upload.key);
  });
});
