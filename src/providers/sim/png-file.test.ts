import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { patternPixels } from "./image-pattern.ts";
import { pngFile } from "./png-file.ts";

/** What another decoder (libvips, through sharp) reads from the file: its size and RGB pixels. */
async function decoded(file: Buffer) {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, pixels: data };
}

describe("pngFile", () => {
  it.each([
    [64, 64],
    [1, 1],
    [3, 257],
    [300, 7],
  ])("gives back every pixel of a %i×%i image", async (width, height) => {
    const rgb = patternPixels("a lighthouse at dusk", width * height, width, height);
    expect(await decoded(pngFile(rgb, width, height))).toEqual({ width, height, channels: 3, pixels: rgb });
  });

  it("keeps the bytes that wrap around below zero (a darker pixel after a lighter one)", async () => {
    const rgb = Buffer.from([255, 255, 255, 0, 0, 0, 200, 10, 255, 1, 254, 0]);
    expect((await decoded(pngFile(rgb, 4, 1))).pixels).toEqual(rgb);
  });

  it("compresses the sim's pictures", () => {
    const rgb = patternPixels("a forest", 7, 256, 256);
    expect(pngFile(rgb, 256, 256).length).toBeLessThan(rgb.length / 2);
  });
});
