import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../core/errors.ts";
import type { InputFile } from "../provider.ts";
import { renderImage } from "./image-render.ts";
import type { ImageOperation } from "./operation.ts";

function operation(overrides: Partial<ImageOperation> = {}): ImageOperation {
  return {
    provider: "sim",
    kind: "image",
    upstreamId: "sim_test",
    seed: 42,
    startedAt: 0,
    latencyMs: 0,
    failure: null,
    prompt: "a lighthouse at dusk",
    width: 96,
    height: 64,
    numOutputs: 1,
    format: "png",
    quality: 80,
    imageUrl: null,
    ...overrides,
  };
}

const noInputs = async (): Promise<InputFile> => {
  throw new Error("no inputs expected");
};

const rawPixels = async (file: Buffer) => sharp(file).removeAlpha().raw().toBuffer();

describe("renderImage", () => {
  it("is byte-identical for the same prompt, seed, size and format", async () => {
    for (const format of ["png", "jpg", "webp"] as const) {
      const first = await renderImage(operation({ format }), 0, noInputs);
      const second = await renderImage(operation({ format }), 0, noInputs);
      expect(first.equals(second), format).toBe(true);
    }
  });

  it("changes the pixels with the prompt and with the seed", async () => {
    const base = await rawPixels(await renderImage(operation(), 0, noInputs));
    const otherPrompt = await rawPixels(await renderImage(operation({ prompt: "a forest" }), 0, noInputs));
    const otherSeed = await rawPixels(await renderImage(operation({ seed: 43 }), 0, noInputs));
    expect(base.equals(otherPrompt)).toBe(false);
    expect(base.equals(otherSeed)).toBe(false);
  });

  it("renders output i with seed + i", async () => {
    const second = await renderImage(operation({ seed: 42 }), 1, noInputs);
    const seed43 = await renderImage(operation({ seed: 43 }), 0, noInputs);
    expect(second.equals(seed43)).toBe(true);
  });

  it("makes something that looks like a picture, not a flat colour", async () => {
    const stats = await sharp(await renderImage(operation({ width: 256, height: 256 }), 0, noInputs)).stats();
    for (const channel of stats.channels) expect(channel.max - channel.min).toBeGreaterThan(40);
  });

  it.each([
    ["png", "png", [0x89, 0x50, 0x4e, 0x47]],
    ["jpg", "jpeg", [0xff, 0xd8, 0xff]],
    ["webp", "webp", [0x52, 0x49, 0x46, 0x46]],
  ] as const)("encodes %s", async (format, sharpFormat, magic) => {
    const file = await renderImage(operation({ format, width: 200, height: 120 }), 0, noInputs);
    expect([...file.subarray(0, magic.length)]).toEqual(magic);
    const metadata = await sharp(file).metadata();
    expect(metadata).toMatchObject({ format: sharpFormat, width: 200, height: 120 });
  });

  it("lets quality change the size of lossy files", async () => {
    const low = await renderImage(operation({ format: "jpg", quality: 5 }), 0, noInputs);
    const high = await renderImage(operation({ format: "jpg", quality: 100 }), 0, noInputs);
    expect(low.length).toBeLessThan(high.length);
    await expect(renderImage(operation({ format: "webp", quality: 0 }), 0, noInputs)).resolves.toBeInstanceOf(
      Buffer,
    );
  });

  it("blends an input image, resized to cover the output, with the pattern", async () => {
    const red = await sharp({ create: { width: 32, height: 48, channels: 4, background: "#ff0000" } })
      .png()
      .toBuffer();
    const urls: string[] = [];
    const readInput = async (url: string) => {
      urls.push(url);
      return { data: red, contentType: "image/png" };
    };
    const file = await renderImage(operation({ imageUrl: "data:image/png;base64,xyz" }), 0, readInput);
    expect(urls).toEqual(["data:image/png;base64,xyz"]);
    expect(await sharp(file).metadata()).toMatchObject({ width: 96, height: 64 });
    const [r, g, b] = (await sharp(file).stats()).channels.map((channel) => channel.mean) as number[];
    expect(r).toBeGreaterThan(165);
    expect(g).toBeLessThan(95);
    expect(b).toBeLessThan(95);
    const plain = await renderImage(operation(), 0, noInputs);
    expect(file.equals(plain)).toBe(false);
  });

  it("inpaints: the pattern where the mask is white, the input image where it is black", async () => {
    const { width, height } = operation();
    const photo = await sharp({ create: { width, height, channels: 3, background: "#2080c0" } })
      .png()
      .toBuffer();
    // A white square at x 16..47, y 8..39 on black.
    const square = Buffer.alloc(width * height);
    for (let y = 8; y < 40; y++) square.fill(255, y * width + 16, y * width + 48);
    const mask = await sharp(square, { raw: { width, height, channels: 1 } })
      .png()
      .toBuffer();
    const inputs: Record<string, Buffer> = {
      "https://x.test/photo.png": photo,
      "https://x.test/mask.png": mask,
    };
    const readInput = async (url: string) => ({ data: inputs[url] as Buffer, contentType: "image/png" });
    const maskUrl = "https://x.test/mask.png";
    const file = await renderImage(
      operation({ imageUrl: "https://x.test/photo.png", maskUrl }),
      0,
      readInput,
    );
    const out = await rawPixels(file);
    const pattern = await rawPixels(await renderImage(operation(), 0, noInputs));
    const input = await rawPixels(photo);
    for (let pixel = 0; pixel < width * height; pixel++) {
      const x = pixel % width;
      const y = Math.floor(pixel / width);
      const expected = x >= 16 && x < 48 && y >= 8 && y < 40 ? pattern : input;
      const at = pixel * 3;
      expect([...out.subarray(at, at + 3)], `pixel ${x},${y}`).toEqual([...expected.subarray(at, at + 3)]);
    }
    const again = await renderImage(
      operation({ imageUrl: "https://x.test/photo.png", maskUrl }),
      0,
      readInput,
    );
    expect(again.equals(file)).toBe(true);
  });

  it("reports an unreadable mask as invalid input naming the mask", async () => {
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
      .png()
      .toBuffer();
    const readInput = async (url: string) => ({
      data: url.endsWith("mask") ? Buffer.from("nope") : photo,
      contentType: "image/png",
    });
    const render = renderImage(
      operation({ imageUrl: "https://x.test/i", maskUrl: "https://x.test/mask" }),
      0,
      readInput,
    );
    await expect(render).rejects.toMatchObject({ code: "invalid_input", invalidFields: [{ field: "mask" }] });
  });

  it("reports an unreadable input image as invalid input", async () => {
    const readInput = async () => ({ data: Buffer.from("not an image"), contentType: "image/png" });
    const render = renderImage(operation({ imageUrl: "https://example.test/x.png" }), 0, readInput);
    await expect(render).rejects.toBeInstanceOf(GatewayError);
    await expect(render).rejects.toMatchObject({ code: "invalid_input" });
  });
});
