/**
 * Checks and decodes a tool's input image on the main thread (sharp works on libuv's pool, so the
 * event loop stays free): the type by content, the size after EXIF orientation, then every pixel,
 * which is where a truncated file shows. Each refusal names `input.image` and says why.
 */
import { GatewayError } from "../../core/errors.ts";
import { loadSharp } from "../../core/load-sharp.ts";
import type { InputFile } from "../provider.ts";
import type { RawImage } from "./job.ts";

const FIELD = "input.image";
/** sharp's names for the raster formats taken (AVIF reads as heif). */
const FORMATS: Record<string, string> = {
  jpeg: "JPEG",
  png: "PNG",
  webp: "WebP",
  gif: "GIF",
  tiff: "TIFF",
  heif: "AVIF/HEIF",
};
const FORMAT_LIST = "JPEG, PNG, WebP, GIF, TIFF or AVIF";

function refuse(code: "invalid_input" | "unsupported_media_type", description: string): GatewayError {
  return new GatewayError(code, `${FIELD}: ${description}`, {
    retryable: false,
    invalidFields: [{ type: code === "invalid_input" ? "value" : "format", field: FIELD, description }],
  });
}

const count = (n: number) => n.toLocaleString("en-US");
/** sharp's reason, without the warnings libvips repeats on the lines after it. */
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0];

/**
 * The image's pixels as 8-bit sRGB (RGBA when it has alpha; RGB on white when `flatten`), at most
 * `maxSide`×`maxSide` pixels in number.
 */
export async function decodeImage(
  file: InputFile,
  options: { maxSide: number; flatten: boolean },
): Promise<RawImage> {
  const sharp = await loadSharp();
  // sharp throws at once for an empty buffer: inside the chain, that is refused like any bad image.
  const metadata = await Promise.resolve()
    .then(() => sharp(file.data).metadata())
    .catch((error: unknown) => {
      const reason = reasonOf(error);
      if (reason?.includes("unsupported image format"))
        throw refuse(
          "unsupported_media_type",
          `not an image (${count(file.data.length)} bytes of ${file.contentType}); send ${FORMAT_LIST}`,
        );
      throw refuse("invalid_input", `the image is truncated or corrupt: ${reason}`);
    });
  const format = FORMATS[metadata.format];
  if (!format)
    throw refuse("unsupported_media_type", `${metadata.format} images are not taken; send ${FORMAT_LIST}`);
  const { width, height } = metadata.autoOrient;
  const maxPixels = options.maxSide * options.maxSide;
  if (width * height > maxPixels)
    throw refuse(
      "invalid_input",
      `the image is ${width}×${height} (${count(width * height)} pixels); this takes at most ${count(maxPixels)} pixels (${options.maxSide}×${options.maxSide})`,
    );
  let pipeline = sharp(file.data, { failOn: "truncated", limitInputPixels: maxPixels }).autoOrient();
  if (options.flatten) pipeline = pipeline.flatten({ background: "#ffffff" });
  const { data, info } = await pipeline
    .toColourspace("srgb")
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true })
    .catch((error: unknown) => {
      throw refuse("invalid_input", `the ${format} image is truncated or corrupt: ${reasonOf(error)}`);
    });
  return { data, width: info.width, height: info.height, channels: info.channels === 4 ? 4 : 3 };
}
