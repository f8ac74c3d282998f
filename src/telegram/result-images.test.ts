import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { PHOTO_LIMIT_BYTES, resultImage } from "./result-images.ts";

const png = (width: number, height: number, alpha: boolean) =>
  sharp({
    create: {
      width,
      height,
      channels: alpha ? 4 : 3,
      background: { r: 200, g: 30, b: 30, alpha: alpha ? 0.5 : 1 },
    },
  })
    .png()
    .toBuffer();

describe("a result image for Telegram", () => {
  it("is a JPEG photo alone when the photo loses nothing", async () => {
    const result = await resultImage(await png(640, 480, false), "result", false);
    expect((await sharp(result.preview).metadata()).format).toBe("jpeg");
    expect(result.original).toBeUndefined();
  });

  it("keeps a transparent original as a PNG file beside its preview", async () => {
    const data = await png(320, 320, true);
    const result = await resultImage(data, "cutout", false);
    expect(result.original).toEqual({ data, fileName: "cutout.png" });
    expect((await sharp(result.preview).metadata()).hasAlpha).toBe(false);
  });

  it("scales a large image's preview to 2560 px and keeps the original", async () => {
    const data = await png(4000, 1000, false);
    const result = await resultImage(data, "wide", false);
    const preview = await sharp(result.preview).metadata();
    expect([preview.width, preview.height]).toEqual([2560, 640]);
    expect(result.preview.length).toBeLessThan(PHOTO_LIMIT_BYTES);
    expect(result.original?.fileName).toBe("wide.png");
  });

  it("keeps the original when asked (a tool's full result)", async () => {
    const result = await resultImage(await png(64, 64, false), "upscaled", true);
    expect(result.original?.fileName).toBe("upscaled.png");
  });
});
