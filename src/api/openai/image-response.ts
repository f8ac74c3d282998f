/**
 * Finished predictions (one, or one per image) as OpenAI's images response: each output image as
 * a URL or inline base64, plus gengate's extension (`gengate`: the predictions and the warnings),
 * which clients ignore.
 */
import { buffer } from "node:stream/consumers";
import { GatewayError } from "../../core/errors.ts";
import type { Links } from "../../core/links.ts";
import { loadSharp } from "../../core/load-sharp.ts";
import { isFileRef } from "../../core/output.ts";
import type { Prediction } from "../../core/prediction.ts";
import type { BlobStorage } from "../../storage/blob-storage.ts";
import type { ImageInput } from "./image-input.ts";

export type ResponseFormat = "url" | "b64_json";

export interface ImagesResponseOptions {
  format: ResponseFormat;
  /** The format (and quality) of inline images. */
  encode: ImageInput["encode"];
  links: Links;
  storage: BlobStorage;
  /** What the request lost on its way to the model. */
  warnings: string[];
}

/** Why a prediction that did not succeed has no images; the prediction runs on after a timeout. */
export function unfinishedError(prediction: Prediction): GatewayError {
  const { id, state, error } = prediction;
  if (state === "failed") return new GatewayError("provider_error", `prediction ${id} failed: ${error}`);
  if (state === "canceled") return new GatewayError("provider_error", `prediction ${id} was canceled`);
  return new GatewayError(
    "timeout",
    `prediction ${id} is still running; follow it at /v1/predictions/${id} (the Replicate-compatible API)`,
  );
}

export async function imagesResponse(predictions: Prediction[], options: ImagesResponseOptions) {
  const keys = predictions.flatMap((prediction) => {
    const outputs = Array.isArray(prediction.output) ? prediction.output : [prediction.output];
    const made = outputs.filter(isFileRef).map((ref) => ref.$file);
    if (made.length > 0) return made;
    throw new GatewayError("provider_error", `prediction ${prediction.id} made no image`, {
      retryable: false,
    });
  });
  const [first] = predictions;
  const data = await Promise.all(
    keys.map(async (key) =>
      options.format === "url"
        ? { url: options.links.file(key) }
        : {
            b64_json: (await encoded(await buffer(await options.storage.open(key)), options.encode)).toString(
              "base64",
            ),
          },
    ),
  );
  return {
    created: Math.floor((first?.completedAt ?? Date.now()) / 1000),
    data,
    gengate: {
      prediction_id: first?.id,
      // Each image's prediction, when a model that makes one a request ran n times.
      ...(predictions.length > 1 && { prediction_ids: predictions.map((prediction) => prediction.id) }),
      model: first?.model,
      warnings: [...new Set(predictions.flatMap((p) => [...options.warnings, ...(p.route?.warnings ?? [])]))],
    },
  };
}

/** The image in the asked format: as stored when it already is (and no quality was asked), else converted. */
async function encoded(image: Buffer, { format, quality }: ImageInput["encode"]): Promise<Buffer> {
  const sharp = await loadSharp();
  const { format: made } = await sharp(image).metadata();
  if (made === format && quality === undefined) return image;
  return sharp(image)
    .toFormat(format, quality === undefined ? {} : { quality })
    .toBuffer();
}
