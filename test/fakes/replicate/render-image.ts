/**
 * Real, cheap image files: a 3×3 patchwork of colours picked by prompt and seed (flat areas keep
 * even 1024×1024 PNGs small and fast), or for img2img the input image, cropped to size and
 * hue-shifted.
 */
import { createHash } from "node:crypto";
import sharp from "sharp";
import type { ImageJob } from "./image-job.ts";

const PATCHWORK = { raw: { width: 3, height: 3, channels: 3 } } as const;

export async function renderImage(job: ImageJob, index: number, base: Buffer | null): Promise<Buffer> {
  const hash = createHash("sha256")
    .update(`${job.prompt}\0${job.seed + index}`)
    .digest();
  const size = { width: job.width, height: job.height };
  const image = base
    ? sharp(base)
        .resize({ ...size, fit: "cover" })
        .toColourspace("srgb")
        .removeAlpha()
        .modulate({ hue: hash[0] ?? 0 })
    : sharp(hash.subarray(0, 27), PATCHWORK).resize({ ...size, kernel: "nearest" });
  // sharp takes qualities from 1; the schema allows 0.
  const quality = Math.max(1, job.quality);
  if (job.format === "png") return image.png().toBuffer();
  if (job.format === "jpg") return image.jpeg({ quality }).toBuffer();
  return image.webp({ quality }).toBuffer();
}
