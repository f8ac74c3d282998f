import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../core/errors.ts";
import { isPublicBlobKey } from "./blob-storage.ts";
import { LocalStorage } from "./local-storage.ts";

const newRoot = () => mkdtempSync(join(tmpdir(), "gengate-storage-"));
const newStorage = () => new LocalStorage(newRoot());

/** Every file under `root`, by its path from there. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

async function allKeys(storage: LocalStorage): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of storage.keys()) keys.push(key);
  return keys.sort();
}

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
    const c = await storage.put(Readable.from(["same"]), "bin");
    expect(a.key).toBe(b.key);
    expect(c.key).toBe(a.key);
    expect(await filesUnder(storage.root)).toEqual([join(a.key.slice(0, 2), a.key)]);
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
    expect(await filesUnder(storage.root)).toEqual([]);
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

  it("keeps a new store's files one folder deep, by the first two characters of their hash", async () => {
    const storage = newStorage();
    const output = await storage.put(Buffer.from("one level"), "txt");
    const upload = await storage.put(Readable.from(["one level, uploaded"]), "txt", undefined, "uploads");
    const uploadName = upload.key.slice("uploads/".length);
    expect(await filesUnder(storage.root)).toEqual(
      [join(output.key.slice(0, 2), output.key), join("uploads", uploadName.slice(0, 2), uploadName)].sort(),
    );
    expect(await allKeys(storage)).toEqual([output.key, upload.key].sort());
    // Opened again, the store is still read one level deep.
    expect(await text(await new LocalStorage(storage.root).open(output.key))).toBe("one level");
  });

  for (const area of ["", "uploads/"]) {
    it(`reads and writes a store made with two levels of folders as it was${area && " (uploads only)"}`, async () => {
      const root = newRoot();
      const olderName = `${"ab".repeat(32)}.txt`;
      mkdirSync(join(root, area, "ab", "ab"), { recursive: true });
      writeFileSync(join(root, area, "ab", "ab", olderName), "older");
      const storage = new LocalStorage(root);
      expect(await text(await storage.open(`${area}${olderName}`))).toBe("older");
      const newer = await storage.put(Buffer.from("newer"), "txt");
      expect(await filesUnder(root)).toContain(join(newer.key.slice(0, 2), newer.key.slice(2, 4), newer.key));
      expect(await allKeys(storage)).toEqual([`${area}${olderName}`, newer.key].sort());
    });
  }
});
