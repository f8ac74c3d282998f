/** A result's images as output files, streamed from fal's file URLs when the engine stores them. */
import { GatewayError } from "../../core/errors.ts";
import { type OutputFile, outputFile, type StatusResult } from "../provider.ts";
import { transportError } from "../toolkit/http.ts";
import { openUrl } from "../toolkit/transport.ts";
import { type FalFile, type ImageResult, imageResult, parseFalAnswer } from "./responses.ts";

const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
};

function imageFile({ url, content_type }: FalFile): OutputFile {
  const extension =
    EXTENSIONS[content_type ?? ""] ?? /\.([a-z0-9]{1,5})$/i.exec(url)?.[1]?.toLowerCase() ?? "bin";
  const contentType = content_type ?? Object.keys(EXTENSIONS).find((type) => EXTENSIONS[type] === extension);
  return outputFile(contentType ?? "application/octet-stream", extension, async () => {
    // File URLs are public (or data: URLs): the key is never sent to them.
    const response = await openUrl(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) }).catch(
      (cause: unknown) => {
        throw transportError("fal", cause, "downloading an output file");
      },
    );
    if (!response.ok) {
      response.discard();
      const gone = response.status >= 400 && response.status < 500 && response.status !== 429;
      throw new GatewayError("provider_error", `fal output file ${url} answered ${response.status}`, {
        retryable: !gone,
      });
    }
    return response.body;
  });
}

/** A finished request's model output as a succeeded status; images fal flagged are said, as logs and warnings. */
export function succeededWith(
  payload: unknown,
  logs?: string,
): Extract<StatusResult, { state: "succeeded" }> {
  const result: ImageResult = parseFalAnswer(imageResult, payload, "reading a result");
  const images = result.images ?? (result.image ? [result.image] : []);
  const flagged = (result.has_nsfw_concepts ?? []).flatMap((nsfw, index) => (nsfw ? [index] : []));
  const note = flagged.length > 0 ? `fal flagged NSFW content in image ${flagged.join(", ")}` : "";
  const allLogs = `${logs ?? ""}${note && `${note}\n`}`;
  return {
    state: "succeeded",
    output: images.map(imageFile),
    ...(allLogs && { logs: allLogs }),
    ...(note && { warnings: [note] }),
  };
}
