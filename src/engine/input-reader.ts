/** Reads the file inputs clients pass: data URLs, gengate file URLs and remote URLs. */
import { buffer } from "node:stream/consumers";
import { GatewayError } from "../core/errors.ts";
import type { InputFile } from "../providers/provider.ts";
import type { BlobStorage } from "../storage/blob-storage.ts";
import { contentTypeOfKey } from "../storage/blob-storage.ts";
import type { Store } from "../store/index.ts";

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;
const FILE_PATH = /\/v1\/files\/([a-z0-9]+)$/;
const OUTPUT_PATH = /\/files\/([a-f0-9]{64}\.[a-z0-9]+)$/;
const FETCH_TIMEOUT_MS = 30_000;

export function decodeDataUrl(url: string): InputFile {
  const match = DATA_URL.exec(url);
  if (!match) throw new GatewayError("invalid_input", "malformed data URL");
  const [, type = "", params = "", payload = ""] = match;
  const isBase64 = params.split(";").includes("base64");
  const data = isBase64 ? Buffer.from(payload, "base64") : Buffer.from(decodeURIComponent(payload), "utf8");
  return { data, contentType: type || "application/octet-stream" };
}

export class InputReader {
  private readonly store: Store;
  private readonly storage: BlobStorage;
  private readonly maxBytes: number;

  constructor(store: Store, storage: BlobStorage, maxBytes: number) {
    this.store = store;
    this.storage = storage;
    this.maxBytes = maxBytes;
  }

  async read(url: string): Promise<InputFile> {
    if (url.startsWith("data:")) return decodeDataUrl(url);
    const local = await this.readLocal(url);
    return local ?? this.fetchRemote(url);
  }

  private async readLocal(url: string): Promise<InputFile | null> {
    const path = new URL(url).pathname;
    const fileId = FILE_PATH.exec(path)?.[1];
    if (fileId) {
      const file = await this.store.files.get(fileId);
      if (file)
        return {
          data: await buffer(await this.storage.open(file.storageKey)),
          contentType: file.contentType,
        };
    }
    const key = OUTPUT_PATH.exec(path)?.[1];
    if (key && (await this.storage.stat(key))) {
      return { data: await buffer(await this.storage.open(key)), contentType: contentTypeOfKey(key) };
    }
    return null;
  }

  private async fetchRemote(url: string): Promise<InputFile> {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }).catch(
      (error: unknown) => {
        throw new GatewayError("invalid_input", `could not fetch input file ${url}: ${String(error)}`);
      },
    );
    if (!response.ok)
      throw new GatewayError("invalid_input", `input file ${url} answered ${response.status}`);
    const declared = Number(response.headers.get("content-length") ?? 0);
    if (declared > this.maxBytes)
      throw new GatewayError("payload_too_large", `input file ${url} is too large`);
    const data = Buffer.from(await response.arrayBuffer());
    if (data.length > this.maxBytes)
      throw new GatewayError("payload_too_large", `input file ${url} is too large`);
    return { data, contentType: response.headers.get("content-type") ?? "application/octet-stream" };
  }
}
