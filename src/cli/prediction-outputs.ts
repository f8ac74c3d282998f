/** A finished prediction's output: the files to save, or the text to print. */
import { createWriteStream } from "node:fs";
import { extname, posix } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { ApiClient } from "./api-client.ts";

const HTTP_URL = /^https?:\/\//;

/** Every http(s) URL in the output, in order. */
export function outputUrls(output: unknown): string[] {
  if (typeof output === "string") return HTTP_URL.test(output) ? [output] : [];
  if (Array.isArray(output)) return output.flatMap(outputUrls);
  if (typeof output === "object" && output !== null) return Object.values(output).flatMap(outputUrls);
  return [];
}

/** Text models stream tokens, so an array of strings is one text. */
export function outputText(output: unknown): string | undefined {
  if (output === null || output === undefined) return undefined;
  if (typeof output === "string") return output;
  if (Array.isArray(output) && output.every((item) => typeof item === "string")) return output.join("");
  return JSON.stringify(output, null, 2);
}

/**
 * Where each output goes: with `--output a.png`, one output is `a.png` and several are
 * `a_1.png`, `a_2.png`…; without it, `<prediction id>_<n>.<extension of the URL>`.
 */
export function outputFiles(
  urls: string[],
  id: string,
  output: string | undefined,
): { url: string; path: string }[] {
  return urls.map((url, i) => ({ url, path: pathOf(url, i + 1) }));

  function pathOf(url: string, n: number): string {
    if (output === undefined) return `${id}_${n}${extensionOf(url)}`;
    if (urls.length === 1) return output;
    const ext = extname(output);
    return `${output.slice(0, output.length - ext.length)}_${n}${ext}`;
  }
}

/** The extension of the file a URL names, with its dot; ".bin" when it has none. */
export function extensionOf(url: string): string {
  return posix.extname(new URL(url).pathname) || ".bin";
}

export async function download(client: ApiClient, url: string, path: string): Promise<void> {
  const response = await client.download(url);
  const body = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
  await pipeline(body, createWriteStream(path));
}
