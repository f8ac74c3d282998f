/** `gengate tool`'s files: the input image and mask it uploads, and the names of the outputs it saves. */
import { openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, extname, posix } from "node:path";
import { contentTypeOfExtension } from "../../core/media-types.ts";
import type { ApiClient } from "../api-client.ts";
import { CliError } from "../cli-error.ts";
import { extensionOf, outputFiles } from "../prediction-outputs.ts";

/** Inputs given as URLs go to the model as they are; anything else is a local file. */
const URL_INPUT = /^(https?:\/\/|data:)/i;

interface FileJson {
  urls: { get: string };
}

/** Fails with a clear message when `input` is neither a URL nor a readable file; sends nothing. */
export async function checkInput(input: string, what: string): Promise<void> {
  if (URL_INPUT.test(input)) return;
  const info = await stat(input).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR")
      throw new CliError(`${what} ${input}: no such file`);
    throw error;
  });
  if (!info.isFile()) throw new CliError(`${what} ${input}: not a file`);
}

/** The URL the model reads `input` from: a file is uploaded with POST /v1/files, a URL is kept. */
export async function inputUrl(client: ApiClient, input: string): Promise<string> {
  if (URL_INPUT.test(input)) return input;
  const type = contentTypeOfExtension(extname(input).slice(1));
  const form = new FormData();
  // A Blob backed by the file: fetch streams it from disk.
  form.append("content", await openAsBlob(input, { type }), basename(input));
  const file = await client.request<FileJson>("POST", "/v1/files", form);
  return file.urls.get;
}

/**
 * Where each output goes. With `-o out.png`: `out.png`, or `out_1.png`, `out_2.png`… for several.
 * Without it, in the current folder: `<input name>-<tool><ext>` (`photo-upscale.png`), numbered
 * `_1`, `_2`… when there are several, each with the extension of its output URL.
 */
export function toolOutputFiles(
  urls: string[],
  input: string,
  label: string,
  output: string | undefined,
): { url: string; path: string }[] {
  if (output !== undefined) return outputFiles(urls, "", output);
  const stem = `${inputStem(input)}-${label}`;
  return urls.map((url, i) => ({
    url,
    path: `${stem}${urls.length > 1 ? `_${i + 1}` : ""}${extensionOf(url)}`,
  }));
}

/** The input's file name without its extension: `photo` for `~/pics/photo.jpg` or `https://x/photo.jpg`. */
export function inputStem(input: string): string {
  let name = "";
  if (/^https?:\/\//i.test(input)) {
    try {
      name = posix.basename(decodeURIComponent(new URL(input).pathname));
    } catch {
      // an undecodable path: the fallback name
    }
  } else if (!/^data:/i.test(input)) {
    name = basename(input);
  }
  const stem = name.slice(0, name.length - extname(name).length);
  return stem.replace(/[/\\]/g, "_") || "image";
}
