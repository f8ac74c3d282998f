/**
 * File inputs Replicate cannot read itself (gengate's own files, private hosts, big data URLs) are
 * read by gengate and sent inline as a data URL up to 256 KB, else through Replicate's files API
 * (reference/replicate.md §7).
 */
import type { FileFields } from "../../core/file-fields.ts";
import type { InputFile, ProviderContext } from "../provider.ts";
import { isReadableByUpstream } from "./public-url.ts";

export const INLINE_LIMIT_BYTES = 256 * 1024;

export type Transfer = "keep" | "read";

/**
 * What to do with one string of a file field. Files on Replicate's own API (`upstreamOrigin`, e.g.
 * the files API's `urls.get`) are Replicate's to read.
 */
export function transferOf(
  value: string,
  gengateOrigin: string | undefined,
  upstreamOrigin?: string | undefined,
): Transfer {
  if (value.startsWith("data:")) return "read";
  if (!/^https?:\/\//i.test(value)) return "keep";
  if (upstreamOrigin !== undefined && URL.parse(value)?.origin === upstreamOrigin) return "keep";
  return isReadableByUpstream(value, gengateOrigin) ? "keep" : "read";
}

export type Upload = (file: InputFile) => Promise<string>;

export interface PrepareOptions {
  fields: FileFields;
  gengateOrigin: string | undefined;
  /** Replicate's API origin. */
  upstreamOrigin?: string | undefined;
  ctx: ProviderContext;
  upload: Upload;
}

export async function prepareInput(
  input: Record<string, unknown>,
  options: PrepareOptions,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    const isFileField = options.fields === "any" || options.fields.has(name);
    out[name] = isFileField ? await prepareValue(value, options) : value;
  }
  return out;
}

async function prepareValue(value: unknown, options: PrepareOptions): Promise<unknown> {
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) items.push(await prepareValue(item, options));
    return items;
  }
  if (typeof value !== "string") return value;
  if (transferOf(value, options.gengateOrigin, options.upstreamOrigin) === "keep") return value;
  const file = await readFile(value, options);
  if (!file) return value;
  if (file.data.length > INLINE_LIMIT_BYTES) return options.upload(file);
  return value.startsWith("data:")
    ? value
    : `data:${file.contentType};base64,${file.data.toString("base64")}`;
}

/** With no schema, a string that only looks like a file and cannot be read is passed on as it is. */
async function readFile(value: string, options: PrepareOptions): Promise<InputFile | null> {
  if (options.fields !== "any") return options.ctx.readInput(value);
  return options.ctx.readInput(value).catch(() => null);
}
