/**
 * A COMPLETED job's images as OutputFiles. Workers differ (reference A.11), so any of these is
 * read: `images: [string | {type, data, filename} | {image}]`, `image_url`, `image`, or a list of
 * those, where a string is a data URL, a URL, or bare base64. Base64 becomes the decoded bytes
 * with the type the bytes show; a URL is fetched when the engine stores it (without our API key).
 */
import type { Readable } from "node:stream";
import { GatewayError } from "../../core/errors.ts";
import { type OutputFile, outputFile } from "../provider.ts";
import { openUrl } from "../toolkit/transport.ts";
import { imageTypeOfName, sniffImage } from "./image-bytes.ts";

const DOWNLOAD_TIMEOUT_MS = 120_000;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DATA_URL = /^data:([^;,]*)(?:;[^,]*)?;base64,(.*)$/s;

interface ImageRef {
  data: string;
  name: string | undefined;
}

function refsOf(value: unknown): ImageRef[] {
  if (typeof value === "string") return [{ data: value, name: undefined }];
  if (Array.isArray(value)) return value.flatMap(refsOf);
  if (typeof value !== "object" || value === null) return [];
  const entry = value as Record<string, unknown>;
  if (Array.isArray(entry.images) && entry.images.length > 0) return entry.images.flatMap(refsOf);
  const data = entry.data ?? entry.url ?? entry.image ?? entry.image_url;
  if (typeof data !== "string") return [];
  return [{ data, name: typeof entry.filename === "string" ? entry.filename : undefined }];
}

/** `format` names the files whose URL does not tell their type. */
export function outputFiles(output: unknown, format: string): OutputFile[] {
  return refsOf(output).flatMap((ref) => {
    const file = toFile(ref, format);
    return file ? [file] : [];
  });
}

function toFile(ref: ImageRef, format: string): OutputFile | undefined {
  const dataUrl = DATA_URL.exec(ref.data);
  if (dataUrl) return bytesFile(Buffer.from(dataUrl[2] ?? "", "base64"), dataUrl[1]);
  if (/^https?:\/\//.test(ref.data)) {
    const url = ref.data;
    const type =
      imageTypeOfName(ref.name ?? "") ?? imageTypeOfName(new URL(url).pathname) ?? imageTypeOfName(format);
    return type && outputFile(type.contentType, type.extension, () => download(url));
  }
  const base64 = ref.data.replace(/\s+/g, "");
  return BASE64.test(base64) ? bytesFile(Buffer.from(base64, "base64")) : undefined;
}

function bytesFile(bytes: Buffer, declared?: string): OutputFile | undefined {
  if (bytes.length === 0) return undefined;
  const type = sniffImage(bytes, declared);
  return outputFile(type.contentType, type.extension, async () => bytes);
}

/** The URL without its query, which may hold a presigned signature. */
function shown(url: string): string {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
}

async function download(url: string): Promise<Readable> {
  const response = await openUrl(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) }).catch(
    (error: unknown) => {
      throw new GatewayError("provider_unavailable", `could not download ${shown(url)}: ${String(error)}`);
    },
  );
  if (!response.ok) {
    response.discard();
    const retryable = response.status >= 500 || response.status === 429;
    throw new GatewayError(
      retryable ? "provider_unavailable" : "provider_error",
      `downloading ${shown(url)} answered HTTP ${response.status}`,
      { retryable },
    );
  }
  return response.body;
}
