/**
 * A ZIP archive streamed as it is read: entries are pulled and opened one at a time, stored without
 * compression (outputs are PNG/JPEG/WebP, already compressed), and no file is ever held whole in memory.
 * yazl switches to ZIP64 by itself for entries or archives past 4 GiB and for more than 65,534 entries;
 * readers that go by the central directory (unzip, 7-Zip, Windows, yauzl) read those, macOS's Archive
 * Utility does not.
 */
import { addAbortSignal, type PassThrough, Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { ZipFile } from "yazl";

export interface ZipEntry {
  name: string;
  open: () => Promise<Readable>;
}

async function addEntries(
  zip: ZipFile,
  entries: AsyncIterable<ZipEntry>,
  signal: AbortSignal,
): Promise<void> {
  for await (const entry of entries) {
    signal.throwIfAborted();
    const source = addAbortSignal(signal, await entry.open());
    zip.addReadStream(source, entry.name, { compress: false });
    // The next entry is pulled only once this source is read to its end: one source is open at a time.
    await finished(source);
  }
  zip.end();
}

/**
 * The archive as a web stream. If the entries, an `open` or a source fails, the stream errors (a
 * response is cut, not silently truncated); if the reader cancels, the open source is destroyed.
 */
export function zipStream(entries: AsyncIterable<ZipEntry>): ReadableStream<Uint8Array> {
  const zip = new ZipFile();
  const output = zip.outputStream as PassThrough;
  const abort = new AbortController();
  const fail = (error: unknown) => {
    abort.abort(error);
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  zip.on("error", fail);
  output.once("close", () => abort.abort());
  addEntries(zip, entries, abort.signal).catch(fail);
  return Readable.toWeb(output) as ReadableStream<Uint8Array>;
}
