/**
 * Reads the file inputs clients pass: data URLs, gengate file URLs and remote URLs (fetched only
 * from public addresses unless configured otherwise).
 */
import { buffer } from "node:stream/consumers";
import { GatewayError } from "../core/errors.ts";
import type { InputFile } from "../providers/provider.ts";
import type { BlobStorage } from "../storage/blob-storage.ts";
import { contentTypeOfKey } from "../storage/blob-storage.ts";
import type { Store } from "../store/index.ts";
import { fetchPublic } from "./public-fetch.ts";

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;
const FILE_PATH = /\/v1\/files\/([a-z0-9]+)$/;
const OUTPUT_PATH = /\/files\/([a-f0-9]{64}\.[a-z0-9]+)$/;
const FETCH_TIMEOUT_MS = 30_000;

export interface InputReaderOptions {
  maxBytes: number;
  /** Remote URLs may point at loopback, private and other non-public addresses. */
  allowPrivate: boolean;
}

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
  private readonly options: InputReaderOptions;

  constructor(store: Store, storage: BlobStorage, options: InputReaderOptions) {
    this.store = store;
    this.storage = storage;
    this.options = options;
  }

  async read(url: string): Promise<InputFile> {
    if (url.startsWith("data:")) return decodeDataUrl(url);
    const local = await this.readLocal(url);
    return local ?? fetchPublic(url, { ...this.options, timeoutMs: FETCH_TIMEOUT_MS });
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
}
