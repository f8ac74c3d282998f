/**
 * What the image tools (tool-models.ts) make: each output is computed from the input image the
 * fake read (so a test can tell which image reached the model), as PNG.
 *
 * - upscale (real-esrgan): the image resized by `scale`, nearest-neighbour; `face_enhance` also
 *   brightens it by 10%.
 * - restore-face (gfpgan): the image resized by `scale`, nearest-neighbour.
 * - inpaint: the image cover-resized to width×height; where the mask is white, a flat colour picked
 *   by prompt and seed (one per output); elsewhere the image unchanged.
 * - remove-background (bria): pixels within a small distance of the top-left pixel's colour become
 *   transparent, the rest stay opaque.
 * - colorize (ddcolor): the image's luminance, tinted warm (model_size "large") or cool ("tiny").
 */
import { createHash, randomInt } from "node:crypto";
import sharp from "sharp";
import type { ToolBehaviour } from "./catalog.ts";
import { IMAGE_CONTENT_TYPES } from "./image-job.ts";
import { readInputImage } from "./input-image.ts";
import { finishLater, type RunDeps } from "./model-runs.ts";
import type { PredictionRecord } from "./prediction-store.ts";

/** How close to the top-left colour (sum of channel differences) counts as background. */
const BACKGROUND_DISTANCE = 48;
export const COLORIZE_TINTS = {
  large: { r: 255, g: 160, b: 64 },
  tiny: { r: 64, g: 160, b: 255 },
} as const;

/** The field holding the input image, by tool. */
const IMAGE_FIELD: Record<ToolBehaviour, string> = {
  upscale: "image",
  "restore-face": "img",
  inpaint: "image",
  "remove-background": "image",
  colorize: "image",
};

async function scaled(base: Buffer, scale: number) {
  const { width = 1, height = 1 } = await sharp(base).metadata();
  const size = {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
  return sharp(base).resize({ ...size, kernel: "nearest", fit: "fill" });
}

/** The flat colour inpainting paints with, from prompt and seed. */
export function inpaintColour(prompt: string, seed: number): [number, number, number] {
  const hash = createHash("sha256").update(`${prompt}\0${seed}`).digest();
  return [hash[0] ?? 0, hash[1] ?? 0, hash[2] ?? 0];
}

async function inpaint(
  base: Buffer,
  mask: Buffer,
  size: { width: number; height: number },
  colour: [number, number, number],
): Promise<Buffer> {
  const resize = { ...size, fit: "cover", kernel: "nearest" } as const;
  const image = await sharp(base).resize(resize).toColourspace("srgb").removeAlpha().raw().toBuffer();
  const alpha = await sharp(mask).resize(resize).greyscale().removeAlpha().raw().toBuffer();
  for (let pixel = 0; pixel < size.width * size.height; pixel++) {
    if ((alpha[pixel] ?? 0) < 128) continue;
    image.set(colour, pixel * 3);
  }
  return sharp(image, { raw: { ...size, channels: 3 } })
    .png()
    .toBuffer();
}

async function removeBackground(base: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(base)
    .toColourspace("srgb")
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const [r0 = 0, g0 = 0, b0 = 0] = data;
  for (let offset = 0; offset < data.length; offset += 4) {
    const distance =
      Math.abs((data[offset] ?? 0) - r0) +
      Math.abs((data[offset + 1] ?? 0) - g0) +
      Math.abs((data[offset + 2] ?? 0) - b0);
    data[offset + 3] = distance <= BACKGROUND_DISTANCE ? 0 : 255;
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } })
    .png()
    .toBuffer();
}

async function render(
  behaviour: ToolBehaviour,
  input: Record<string, unknown>,
  base: Buffer,
  mask: Buffer | null,
  index: number,
): Promise<Buffer> {
  switch (behaviour) {
    case "upscale": {
      const image = await scaled(base, Number(input.scale));
      return (input.face_enhance === true ? image.modulate({ brightness: 1.1 }) : image).png().toBuffer();
    }
    case "restore-face":
      return (await scaled(base, Number(input.scale))).png().toBuffer();
    case "inpaint": {
      const size = { width: Number(input.width), height: Number(input.height) };
      return inpaint(
        base,
        mask ?? base,
        size,
        inpaintColour(String(input.prompt), Number(input.seed) + index),
      );
    }
    case "remove-background":
      return removeBackground(base);
    case "colorize":
      return sharp(base)
        .tint(COLORIZE_TINTS[input.model_size === "tiny" ? "tiny" : "large"])
        .toColourspace("srgb")
        .png()
        .toBuffer();
  }
}

/** `input` has the schema's defaults filled in. */
export async function runTool(
  record: PredictionRecord,
  behaviour: ToolBehaviour,
  input: Record<string, unknown>,
  deps: RunDeps,
): Promise<void> {
  const { lifecycle } = deps;
  const field = IMAGE_FIELD[behaviour];
  const imageUrl = input[field] ?? (behaviour === "remove-background" ? input.image_url : undefined);
  if (typeof imageUrl !== "string") throw new Error(`${field}: an input image is required`);
  const base = await readInputImage(imageUrl, deps.inputs);
  let mask: Buffer | null = null;
  let count = 1;
  if (behaviour === "inpaint") {
    mask = await readInputImage(String(input.mask), deps.inputs);
    count = Number(input.num_outputs);
    if (typeof input.seed !== "number") input.seed = randomInt(2 ** 31);
    lifecycle.appendLogs(record, `Using seed: ${input.seed}`);
  }
  if (behaviour === "upscale" && input.face_enhance === true) lifecycle.appendLogs(record, "Running GFPGAN");
  if (behaviour === "restore-face") lifecycle.appendLogs(record, `GFPGAN ${String(input.version)}`);
  finishLater(lifecycle, record, deps.runMs(), async () => {
    const urls: string[] = [];
    for (let index = 0; index < count; index++) {
      const bytes = await render(behaviour, input, base, mask, index);
      urls.push(deps.delivery.put(`out-${index}.png`, bytes, IMAGE_CONTENT_TYPES.png));
    }
    // Replicate's tools answer one file; the inpainting model a list of them.
    lifecycle.complete(record, behaviour === "inpaint" ? urls : urls[0]);
  });
}
