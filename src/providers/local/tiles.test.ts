import { describe, expect, it } from "vitest";
import { cropRegion, pasteTile, tilesOf } from "./tiles.ts";

/** A nearest-neighbour "model": each pixel becomes a scale×scale block. */
function enlarge(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
  scale: number,
): Uint8Array {
  const out = new Uint8Array(width * scale * height * scale * channels);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const from = (Math.floor(y / scale) * width + Math.floor(x / scale)) * channels;
      out.set(data.subarray(from, from + channels), (y * width * scale + x) * channels);
    }
  }
  return out;
}

describe("tilesOf", () => {
  it("covers every pixel exactly once, each tile with its margin inside the image", () => {
    const [width, height] = [300, 130];
    const covered = new Uint8Array(width * height);
    for (const tile of tilesOf(width, height, 128, 8)) {
      expect(tile.inX).toBe(Math.max(0, tile.x - 8));
      expect(tile.inX + tile.inWidth).toBe(Math.min(width, tile.x + tile.width + 8));
      expect(tile.inY + tile.inHeight).toBeLessThanOrEqual(height);
      for (let y = tile.y; y < tile.y + tile.height; y++)
        for (let x = tile.x; x < tile.x + tile.width; x++)
          covered[y * width + x] = (covered[y * width + x] ?? 0) + 1;
    }
    expect(covered.every((count) => count === 1)).toBe(true);
  });
});

describe("cropRegion and pasteTile", () => {
  it("rebuild the whole-image result of a local model, tile by tile", () => {
    const [width, height, channels, scale] = [45, 30, 3, 2];
    const image = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 7) % 251);
    const out = new Uint8Array(width * scale * height * scale * channels);
    for (const tile of tilesOf(width, height, 16, 4)) {
      const region = cropRegion(image, width, channels, tile);
      pasteTile(
        out,
        width * scale,
        enlarge(region, tile.inWidth, tile.inHeight, channels, scale),
        tile,
        scale,
        channels,
      );
    }
    expect(Buffer.from(out).equals(Buffer.from(enlarge(image, width, height, channels, scale)))).toBe(true);
  });
});
