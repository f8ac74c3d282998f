import { describe, expect, it } from "vitest";
import { resolveImageSize } from "./image-size.ts";
import { ASPECT_RATIOS } from "./models.ts";

describe("resolveImageSize", () => {
  it("defaults to 512x512", () => {
    expect(resolveImageSize({})).toEqual({ width: 512, height: 512 });
  });

  it("uses explicit sizes over an aspect ratio", () => {
    expect(resolveImageSize({ width: 300, height: 100, aspect_ratio: "9:16" })).toEqual({
      width: 300,
      height: 100,
    });
  });

  it("makes a square from one side without an aspect ratio", () => {
    expect(resolveImageSize({ width: 256 })).toEqual({ width: 256, height: 256 });
    expect(resolveImageSize({ height: 128 })).toEqual({ width: 128, height: 128 });
  });

  it("keeps about 512x512 pixels in multiples of 8 for every aspect ratio", () => {
    expect(resolveImageSize({ aspect_ratio: "16:9" })).toEqual({ width: 680, height: 384 });
    expect(resolveImageSize({ aspect_ratio: "1:1" })).toEqual({ width: 512, height: 512 });
    for (const aspect_ratio of ASPECT_RATIOS) {
      const { width, height } = resolveImageSize({ aspect_ratio });
      const [w = 0, h = 0] = aspect_ratio.split(":").map(Number);
      expect(width % 8, aspect_ratio).toBe(0);
      expect(height % 8, aspect_ratio).toBe(0);
      expect(Math.abs(width * height - 512 * 512) / (512 * 512), aspect_ratio).toBeLessThan(0.03);
      expect(Math.abs(width / height - w / h) / (w / h), aspect_ratio).toBeLessThan(0.03);
    }
  });

  it("derives the missing side from an aspect ratio", () => {
    expect(resolveImageSize({ width: 1024, aspect_ratio: "16:9" })).toEqual({ width: 1024, height: 576 });
    expect(resolveImageSize({ height: 900, aspect_ratio: "2:3" })).toEqual({ width: 600, height: 900 });
  });
});
