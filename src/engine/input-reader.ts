/**
 * Reads the file inputs clients pass: data URLs; gengate's own URLs, whatever host they name (an
 * upload at `/v1/files/<id>` only for work of the token that owns it, or of an admin, and only
 * until it expires; a stored blob at `/files/<key>` only through a valid link, so a hash alone
 * reads nothing); and remote URLs, fetched only from public addresses unless configured otherwise.
 */
import { buffer } from "node:stream/consumers";
import { decodeDataUrl, isDataUrl } from "../core/data-url.ts";
import { GatewayError } from "../core/errors.ts";
import type { InputFile } from "../providers/provider.ts";
import type { BlobStorage } from "../storage/blob-storage.ts";
import { contentTypeOfKey, isPublicBlobKey } from "../storage/blob-storage.ts";
import type { FileLinks } from "../storage/file-links.ts";
import { fetchPublic } from "./public-fetch.ts";
import { type Uploads, uploadIdOf } from "./uploads.ts";

const PUBLIC_PATH = /\/files\/([^/]+)$/;
const FETCH_TIMEOUT_MS = 30_000;

export interface InputReaderOptions {
  maxBytes: number;
  /** Remote URLs may point at loopback, private and other non-public addresses. */
  allowPrivate: boolean;
  /** Checks the signature of `/files/<key>` links. */
  links: FileLinks;
}

export class InputReader {
  private readonly uploads: Uploads;
  private readonly storage: BlobStorage;
  private readonly options: InputReaderOptions;

  constructor(uploads: Uploads, storage: BlobStorage, options: InputReaderOptions) {
    this.uploads = uploads;
    this.storage = storage;
    this.options = options;
  }

  /** Reads `url` for work of `tokenId`. */
  async read(url: string, tokenId: string | null): Promise<InputFile> {
    if (isDataUrl(url)) return decodeDataUrl(url);
    const parsed = URL.parse(url);
    if (!parsed) throw new GatewayError("invalid_input", `input file ${url} is not a valid URL`);
    const local = await this.readLocal(parsed, tokenId);
    return local ?? fetchPublic(url, { ...this.options, timeoutMs: FETCH_TIMEOUT_MS });
  }

  private async readLocal(url: URL, tokenId: string | null): Promise<InputFile | null> {
    const fileId = uploadIdOf(url.href);
    if (fileId && (await this.uploads.exists(fileId))) {
      const file = await this.uploads.readableBy(fileId, tokenId);
      // Another token's upload, or an expired one, is not there for this work: no fetch either.
      if (!file)
        throw new GatewayError("invalid_input", `input file ${url.href} was not found or has expired`);
      return { data: await buffer(await this.storage.open(file.storageKey)), contentType: file.contentType };
    }
    const key = PUBLIC_PATH.exec(url.pathname)?.[1] ?? "";
    if (!isPublicBlobKey(key)) return null;
    const check = this.options.links.check(
      key,
      url.searchParams.get("expires") ?? undefined,
      url.searchParams.get("sig") ?? undefined,
    );
    // A link signed here but expired was gengate's own; an unsigned or forged one is fetched as any URL.
    if (check === "expired")
      throw new GatewayError("invalid_input", `input file ${url.href} is a link that has expired`);
    if (check === "ok" && (await this.storage.stat(key))) {
      return { data: await buffer(await this.storage.open(key)), contentType: contentTypeOfKey(key) };
    }
    return null;
  }
}
