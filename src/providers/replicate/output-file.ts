/** Output files on Replicate's delivery hosts, opened as streams when the engine stores them. */
import { GatewayError } from "../../core/errors.ts";
import { contentTypeOfExtension, extensionOfContentType } from "../../core/media-types.ts";
import { type OutputFile, outputFile } from "../provider.ts";
import { openUrl } from "../toolkit/transport.ts";

const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
const IN_MEMORY_MAX_BYTES = 4 * 1024 * 1024;
const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;

/** A file output's URL: https/http (delivery) or a data URL (older sync answers). */
export function isFileUrl(value: string): boolean {
  return /^https?:\/\/\S+$/i.test(value) || DATA_URL.test(value);
}

function dataOutput(url: string): OutputFile {
  const [, type = "", params = "", payload = ""] = DATA_URL.exec(url) ?? [];
  const contentType = type || "application/octet-stream";
  const isBase64 = params.split(";").includes("base64");
  const data = isBase64 ? Buffer.from(payload, "base64") : Buffer.from(decodeURIComponent(payload), "utf8");
  return outputFile(contentType, extensionOfContentType(contentType), async () => data);
}

export function remoteOutput(url: string): OutputFile {
  if (url.startsWith("data:")) return dataOutput(url);
  const extension = /\.([a-z0-9]{1,12})$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  const file = outputFile(contentTypeOfExtension(extension ?? ""), extension ?? "bin", async () => {
    // Delivery URLs are public and unguessable: no token is ever sent to them.
    const response = await openUrl(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) }).catch(
      (cause: unknown) => {
        throw new GatewayError("provider_error", `could not download output ${url}: ${String(cause)}`, {
          cause,
        });
      },
    );
    if ([403, 404, 410].includes(response.status)) {
      response.discard();
      throw new GatewayError("provider_error", `output expired before it could be stored: ${url}`, {
        retryable: false,
      });
    }
    if (!response.ok) {
      response.discard();
      throw new GatewayError("provider_error", `downloading output ${url} answered ${response.status}`);
    }
    const served = response.headers.get("content-type");
    if (served && !extension) {
      // Without an extension in the URL, the served type decides (read by the engine after open()).
      file.contentType = served;
      file.extension = extensionOfContentType(served);
    }
    // A small file is read whole: cheaper to store than a stream, which a large one stays.
    const length = Number(response.headers.get("content-length") ?? Number.NaN);
    if (length <= IN_MEMORY_MAX_BYTES) return new Uint8Array(await response.body.arrayBuffer());
    return response.body;
  });
  return file;
}
