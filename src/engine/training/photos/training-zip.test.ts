import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { fromBufferPromise } from "yauzl";
import type { TrainingPhoto } from "./read-training-photos.ts";
import { solidPhoto } from "./test-fixtures.ts";
import { trainingZip } from "./training-zip.ts";

describe("trainingZip", () => {
  it("stores each photo and, beside it, its caption as <name>.txt", async () => {
    const photos: TrainingPhoto[] = await Promise.all(
      [1, 2, 3].map(async (seed) => ({
        name: `photo-00${seed}.jpg`,
        original: `upload-${seed}.png`,
        jpeg: await solidPhoto("jpeg", 300, 300, seed),
        width: 300,
        height: 300,
        ...(seed !== 2 && { caption: `a photo of TOK, number ${seed} — ünïcode` }),
      })),
    );
    const zip = await fromBufferPromise(await buffer(trainingZip(photos)), { lazyEntries: true });
    const entries: { name: string; method: number; data: Buffer }[] = [];
    for await (const entry of zip.eachEntry()) {
      const data = await buffer(await zip.openReadStreamPromise(entry));
      entries.push({ name: entry.fileName, method: entry.compressionMethod, data });
    }
    expect(entries.map(({ name, method }) => [name, method])).toEqual([
      ["photo-001.jpg", 0],
      ["photo-001.txt", 0],
      ["photo-002.jpg", 0],
      ["photo-003.jpg", 0],
      ["photo-003.txt", 0],
    ]);
    expect(entries[0]?.data.equals(photos[0]?.jpeg ?? Buffer.alloc(0))).toBe(true);
    expect(entries[1]?.data.toString()).toBe("a photo of TOK, number 1 — ünïcode");
    expect(entries[2]?.data.equals(photos[1]?.jpeg ?? Buffer.alloc(0))).toBe(true);
    expect(entries[3]?.data.equals(photos[2]?.jpeg ?? Buffer.alloc(0))).toBe(true);
    expect(entries[4]?.data.toString()).toBe("a photo of TOK, number 3 — ünïcode");
  });
});
