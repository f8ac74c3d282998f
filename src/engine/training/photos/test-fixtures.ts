/** Photos, zips and assertions for the tests of this folder. */
import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import sharp from "sharp";
import { expect } from "vitest";
import { ZipFile } from "yazl";
import { GatewayError } from "../../../core/errors.ts";
import type { UploadedFile } from "./uploaded-file.ts";

/** A photo of one colour, different for each seed, so that no two seeds give the same bytes. */
export function solidPhoto(
  format: "jpeg" | "png" | "webp",
  width: number,
  height: number,
  seed: number,
): Promise<Buffer> {
  const background = { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 13 + 50) % 256 };
  return sharp({ create: { width, height, channels: 3, background } })
    .toFormat(format)
    .toBuffer();
}

/** A PNG of noise: it barely compresses, so its size follows its pixel count. */
export function noisyPng(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919 + (i >> 5) * 31) % 256;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** `count` distinct 300×300 JPEGs named `a-0.jpg`, `a-1.jpg`… from seed `first`. */
export async function jpegFiles(count: number, first = 0, prefix = "a"): Promise<UploadedFile[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => ({
      name: `${prefix}-${i}.jpg`,
      data: await solidPhoto("jpeg", 300, 300, first + i),
    })),
  );
}

export interface ZipItem {
  /** A name ending in `/` is a folder. */
  name: string;
  data?: Buffer | Readable;
  compress?: boolean;
}

export async function zipOf(items: readonly ZipItem[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const { name, data, compress = true } of items) {
    if (data === undefined) zip.addEmptyDirectory(name);
    else if (Buffer.isBuffer(data)) zip.addBuffer(data, name, { compress });
    else zip.addReadStream(data, name, { compress });
  }
  zip.end();
  return buffer(zip.outputStream);
}

/** The zip with the bytes of `from` replaced by `to`, of the same length: names yazl refuses to write. */
export function renamedInZip(zip: Buffer, from: string, to: string): Buffer {
  const [search, replacement] = [Buffer.from(from), Buffer.from(to)];
  expect(replacement.length).toBe(search.length);
  const patched = Buffer.from(zip);
  let at = patched.indexOf(search);
  expect(at).not.toBe(-1);
  while (at !== -1) {
    replacement.copy(patched, at);
    at = patched.indexOf(search, at + search.length);
  }
  return patched;
}

/** The zip with each central directory header (the headers yauzl goes by) passed to `patch` at its offset. */
export function patchedCentralDirectory(zip: Buffer, patch: (zip: Buffer, at: number) => void): Buffer {
  const patched = Buffer.from(zip);
  const signature = Buffer.from("PK\x01\x02", "latin1");
  for (let at = patched.indexOf(signature); at !== -1; at = patched.indexOf(signature, at + 4)) {
    patch(patched, at);
  }
  return patched;
}

/** Asserts that `promise` rejects with a GatewayError of `status` whose message and field name `file`. */
export async function expectPhotoError(
  promise: Promise<unknown>,
  status: number,
  file: string,
): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GatewayError);
  const gatewayError = error as GatewayError;
  expect(gatewayError.status).toBe(status);
  expect(gatewayError.message).toContain(`"${file}"`);
  expect(gatewayError.invalidFields).toEqual([
    expect.objectContaining({ field: "photos", description: expect.stringContaining(`"${file}"`) }),
  ]);
  return gatewayError.message;
}
