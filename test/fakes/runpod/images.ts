/** Real, small images made with sharp: a flat colour decided by prompt, seed and index. */
import { createHash } from "node:crypto";
import sharp from "sharp";

export type FakeImageFormat = "png" | "jpeg" | "webp";

export interface ImageSpec {
  width: number;
  height: number;
  format: FakeImageFormat;
  prompt: string;
  seed: number;
  index: number;
}

const MAX_SIDE = 2048;

export async function makeImage(spec: ImageSpec): Promise<Buffer> {
  const [r = 0, g = 0, b = 0] = createHash("sha256")
    .update(`${spec.prompt}\n${spec.seed}\n${spec.index}`)
    .digest();
  const side = (n: number) => Math.min(MAX_SIDE, Math.max(1, Math.round(n)));
  return sharp({
    create: { width: side(spec.width), height: side(spec.height), channels: 3, background: { r, g, b } },
  })
    .toFormat(spec.format)
    .toBuffer();
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
