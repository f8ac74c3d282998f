import { Readable } from "node:stream";
import { setImmediate as tick } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { type Entry, fromBuffer } from "yauzl";
import { type ZipEntry, zipStream } from "./zip-stream.ts";

const CHUNK = 64 * 1024;

const byteAt = (at: number, seed: number) => (at * 31 + seed) % 251;

/** Deterministic bytes, made a chunk at a time when the stream is read. */
function lazyBytes(size: number, seed: number, onChunk: (bytes: number) => void = () => {}): Readable {
  return Readable.from(
    (function* () {
      for (let start = 0; start < size; start += CHUNK) {
        const chunk = Buffer.alloc(Math.min(CHUNK, size - start));
        for (let at = 0; at < chunk.length; at++) chunk[at] = byteAt(start + at, seed);
        onChunk(chunk.length);
        yield chunk;
      }
    })(),
  );
}

function bytesOf(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let at = 0; at < size; at++) bytes[at] = byteAt(at, seed);
  return bytes;
}

async function* listOf(entries: ZipEntry[]): AsyncIterable<ZipEntry> {
  yield* entries;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

interface Unzipped {
  name: string;
  data: Buffer;
  compressionMethod: number;
}

/** Reads an archive back with yauzl, which checks each entry's CRC-32 and size. */
function unzip(archive: Buffer): Promise<Unzipped[]> {
  return new Promise((resolve, reject) => {
    fromBuffer(archive, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries: Unzipped[] = [];
      zip.on("error", reject);
      zip.on("end", () => resolve(entries));
      zip.on("entry", (entry: Entry) => {
        zip.openReadStream(entry, (openError, stream) => {
          if (openError) return reject(openError);
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("error", reject);
          stream.on("end", () => {
            const { fileName: name, compressionMethod } = entry;
            entries.push({ name, data: Buffer.concat(chunks), compressionMethod });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

function failingSource(message: string): Readable {
  return Readable.from(
    (function* () {
      yield Buffer.alloc(CHUNK, 1);
      throw new Error(message);
    })(),
  );
}

describe("zipStream", () => {
  it("writes stored entries that unzip to the same names and bytes", async () => {
    const big = 5 * 1024 * 1024 + 123;
    const archive = await readAll(
      zipStream(
        listOf([
          { name: "1_a-cat.png", open: async () => Readable.from([Buffer.from("a cat")]) },
          { name: "2_big.png", open: async () => lazyBytes(big, 7) },
          { name: "3_empty.webp", open: async () => Readable.from([]) },
          { name: "4_café.jpg", open: async () => lazyBytes(1000, 3) },
        ]),
      ),
    );
    const entries = await unzip(archive);
    expect(entries.map((entry) => entry.name)).toEqual([
      "1_a-cat.png",
      "2_big.png",
      "3_empty.webp",
      "4_café.jpg",
    ]);
    expect(entries.map((entry) => entry.compressionMethod)).toEqual([0, 0, 0, 0]);
    expect(entries[0]?.data.toString()).toBe("a cat");
    expect(entries[1]?.data.equals(bytesOf(big, 7))).toBe(true);
    expect(entries[2]?.data.length).toBe(0);
    expect(entries[3]?.data.equals(bytesOf(1000, 3))).toBe(true);
  });

  it("writes an empty archive for no entries", async () => {
    expect(await unzip(await readAll(zipStream(listOf([]))))).toEqual([]);
  });

  it("reads sources only as fast as the archive is read, and pulls entries one at a time", async () => {
    const size = 8 * 1024 * 1024;
    let produced = 0;
    let consumed = 0;
    let mostAhead = 0;
    const pulled: string[] = [];
    async function* entries(): AsyncIterable<ZipEntry> {
      for (const name of ["a.png", "b.png"]) {
        pulled.push(`${name} after ${consumed}`);
        yield {
          name,
          open: async () =>
            lazyBytes(size, 1, (bytes) => {
              produced += bytes;
              mostAhead = Math.max(mostAhead, produced - consumed);
            }),
        };
      }
    }
    const reader = zipStream(entries()).getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      consumed += next.value.length;
      await tick();
    }
    expect(consumed).toBeGreaterThan(2 * size);
    expect(mostAhead).toBeLessThan(1024 * 1024);
    expect(pulled[0]).toBe("a.png after 0");
    expect(Number(pulled[1]?.split(" after ")[1])).toBeGreaterThan(size - 1024 * 1024);
  });

  it("errors when a source fails, instead of ending a truncated archive", async () => {
    const stream = zipStream(
      listOf([
        { name: "ok.png", open: async () => lazyBytes(1000, 1) },
        { name: "broken.png", open: async () => failingSource("disk gone") },
        { name: "never.png", open: async () => lazyBytes(1000, 2) },
      ]),
    );
    await expect(readAll(stream)).rejects.toThrow("disk gone");
  });

  it("errors when an entry cannot be opened or listed", async () => {
    const unopenable = zipStream(
      listOf([{ name: "x.png", open: () => Promise.reject(new Error("no such file")) }]),
    );
    await expect(readAll(unopenable)).rejects.toThrow("no such file");
    async function* broken(): AsyncIterable<ZipEntry> {
      yield { name: "x.png", open: async () => lazyBytes(10, 1) };
      throw new Error("store down");
    }
    await expect(readAll(zipStream(broken()))).rejects.toThrow("store down");
  });

  it("destroys the open source and stops pulling entries when the reader cancels", async () => {
    const source = lazyBytes(8 * 1024 * 1024, 1);
    let stopped = false;
    async function* entries(): AsyncIterable<ZipEntry> {
      try {
        yield { name: "big.png", open: async () => source };
        yield { name: "next.png", open: async () => lazyBytes(10, 1) };
      } finally {
        stopped = true;
      }
    }
    const reader = zipStream(entries()).getReader();
    await reader.read();
    await reader.cancel();
    await expect.poll(() => source.destroyed && stopped).toBe(true);
  });
});
