/** Operations on interleaved 8-bit pixels (see Pixels). */
import sharp, { type Sharp } from "sharp";
import type { Pixels } from "./job.ts";

/** A sharp pipeline reading `image`, whose output keeps its channels. */
export function sharpOf(image: Pixels): Sharp {
  const { width, height, channels } = image;
  const pipeline = sharp(image.data, { raw: { width, height, channels } });
  // sharp writes one channel as sRGB unless told it is grey.
  return channels === 1 ? pipeline.toColourspace("b-w") : pipeline;
}

/** `image` resampled to `width`×`height` (with as many channels as it had). */
export async function resized(
  image: Pixels,
  width: number,
  height: number,
  kernel: "linear" | "lanczos3",
): Promise<Pixels> {
  const data = await sharpOf(image).resize(width, height, { fit: "fill", kernel }).raw().toBuffer();
  return { data, width, height, channels: image.channels };
}

/** Channel `index` of `image`, as a grey image. */
export function channelOf(image: Pixels, index: number): Pixels {
  const { width, height, channels } = image;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = image.data[i * channels + index] ?? 0;
  return { data, width, height, channels: 1 };
}

/** The colour of an RGB or RGBA image. */
export function rgbOf(image: Pixels): Pixels {
  if (image.channels === 3) return image;
  const { width, height, channels } = image;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++)
    data.set(image.data.subarray(i * channels, i * channels + 3), i * 3);
  return { data, width, height, channels: 3 };
}

/** RGBA from an RGB image and a grey one of the same size. */
export function withAlpha(rgb: Pixels, alpha: Pixels): Pixels {
  const { width, height } = rgb;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data.set(rgb.data.subarray(i * 3, i * 3 + 3), i * 4);
    data[i * 4 + 3] = alpha.data[i] ?? 0;
  }
  return { data, width, height, channels: 4 };
}
