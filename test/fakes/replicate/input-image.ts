/**
 * Reads a file input (an `image`, a trainer's `input_images`) the way a model would: data: URLs
 * decoded, the fake's own Files API URLs looked up (Replicate lets its models read their owner's
 * files; reference/replicate.md §2.4), anything else http(s) fetched. Fails with a message saying
 * what went wrong.
 */
import sharp from "sharp";
import type { FileStore } from "./file-store.ts";

const FETCH_TIMEOUT_MS = 10_000;

export interface InputSources {
  apiUrl: string;
  files: FileStore;
  /** Aborted when the fake closes. */
  signal: AbortSignal;
}

const shown = (url: string) => (url.length > 80 ? `${url.slice(0, 77)}...` : url);

export async function readInputImage(url: string, sources: InputSources): Promise<Buffer> {
  const bytes = await readInputFile(url, sources, "image");
  const format = await sharp(bytes)
    .metadata()
    .then((metadata) => metadata.format)
    .catch(() => undefined);
  if (!format) throw new Error(`image: ${shown(url)} is not an image file (${bytes.length} bytes)`);
  return bytes;
}

/** `field` names the input in error messages. */
export async function readInputFile(
  url: string,
  { apiUrl, files, signal }: InputSources,
  field: string,
): Promise<Buffer> {
  const failure = (why: string) => new Error(`${field}: could not read ${shown(url)}: ${why}`);
  if (url.startsWith("data:")) {
    const match = /^data:[^,]*?(;base64)?,(.*)$/s.exec(url);
    if (!match) throw failure("malformed data URL");
    return match[1] ? Buffer.from(match[2] ?? "", "base64") : Buffer.from(decodeURIComponent(match[2] ?? ""));
  }
  const filesPrefix = `${apiUrl}/files/`;
  if (url.startsWith(filesPrefix)) {
    const file = files.get(url.slice(filesPrefix.length).split(/[/?#]/)[0] ?? "");
    if (!file) throw failure("no such file (it may have expired)");
    return Buffer.from(file.bytes);
  }
  if (!/^https?:\/\//i.test(url)) throw failure("only http(s) and data: URLs are supported");
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)]) });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw failure(cause instanceof Error ? cause.message : String(cause));
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw failure(`HTTP ${response.status}`);
  }
  return Buffer.from(await response.arrayBuffer());
}
