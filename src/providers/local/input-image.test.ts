import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../core/errors.ts";
import { decodeImage } from "./input-image.ts";

const png = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: { r: 200, g: 40, b: 40, alpha: 0.5 } } })
    .png()
    .toBuffer();

const decode = (data: Buffer, maxSide = 64, flatten = false) =>
  decodeImage({ data, contentType: "application/octet-stream" }, { maxSide, flatten });

async function refusal(data: Buffer, maxSide = 64): Promise<GatewayError> {
  const error = await decode(data, maxSide).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  const refused = error as GatewayError;
  expect(refused.invalidFields?.[0]?.field).toBe("input.image");
  expect(refused.retryable).toBe(false);
  return refused;
}

describe("decodeImage", () => {
  it("gives 8-bit sRGB pixels, grey turned to RGB, alpha kept or flattened on white", async () => {
    const grey = await sharp(await png(8, 4))
      .greyscale()
      .png()
      .toBuffer();
    expect(await decode(grey)).toMatchObject({ width: 8, height: 4, channels: 3 });
    expect((await decode(grey)).data).toHaveLength(8 * 4 * 3);
    const withAlpha = await png(8, 4, 4);
    expect((await decode(withAlpha)).channels).toBe(4);
    const flat = await decode(withAlpha, 64, true);
    expect(flat.channels).toBe(3);
    // Half-transparent red on white, give or take rounding.
    const difference = [228, 148, 148].map((expected, i) => Math.abs((flat.data[i] ?? 0) - expected));
    expect(Math.max(...difference)).toBeLessThanOrEqual(1);
  });

  it("applies the EXIF orientation", async () => {
    const rotated = await sharp(await png(20, 10))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    expect(await decode(rotated)).toMatchObject({ width: 10, height: 20 });
  });

  it("refuses what is not an image with 415, naming input.image", async () => {
    const refused = await refusal(Buffer.from("hello, I am text"));
    expect(refused.status).toBe(415);
    expect(refused.message).toMatch(/^input\.image: not an image \(16 bytes of application\/octet-stream\)/);
    const svg = await refusal(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'));
    expect(svg.message).toContain("svg images are not taken");
  });

  it("refuses truncated PNG and JPEG files with 422", async () => {
    const noise = Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 256));
    const raw = sharp(noise, { raw: { width: 64, height: 64, channels: 3 } });
    const whole = await raw.clone().png().toBuffer();
    const truncatedPng = await refusal(whole.subarray(0, whole.length / 2));
    expect(truncatedPng.status).toBe(422);
    expect(truncatedPng.message).toBe(
      "input.image: the PNG image is truncated or corrupt: vipspng: libpng read error",
    );
    const jpeg = await raw.clone().jpeg().toBuffer();
    expect((await refusal(jpeg.subarray(0, jpeg.length / 2))).message).toBe(
      "input.image: the JPEG image is truncated or corrupt: VipsJpeg: premature end of JPEG image",
    );
  });

  it("refuses images over the cap with 422, before decoding them", async () => {
    const refused = await refusal(await png(80, 60));
    expect(refused.status).toBe(422);
    expect(refused.message).toBe(
      "input.image: the image is 80×60 (4,800 pixels); this takes at most 4,096 pixels (64×64)",
    );
  });

  it("refuses an empty file as a bad image, not as a crash", async () => {
    const refused = await refusal(Buffer.alloc(0));
    expect(refused.status).toBe(422);
  });
});
