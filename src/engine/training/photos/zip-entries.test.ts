import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { DEFAULT_PHOTO_LIMITS } from "./limits.ts";
import { readTrainingPhotos } from "./read-training-photos.ts";
import {
  expectPhotoError,
  jpegFiles,
  patchedCentralDirectory,
  renamedInZip,
  solidPhoto,
  type ZipItem,
  zipOf,
} from "./test-fixtures.ts";

/** `bytes` zero bytes, a MiB at a time. */
function zeros(bytes: number): Readable {
  const chunk = Buffer.alloc(2 ** 20);
  return Readable.from(Array.from({ length: bytes / chunk.length }, () => chunk));
}

/** Four photos in a zip, then `extra`. */
async function photosZip(...extra: ZipItem[]): Promise<Buffer> {
  const photos = await jpegFiles(4);
  return zipOf([...photos.map(({ name, data }) => ({ name, data })), ...extra]);
}

describe("zips of training photos", () => {
  it.each([
    ["zz/x.jpg", "../x.jpg"],
    ["a/zz/zz/b.jpg", "a/../../b.jpg"],
    ["zetc/x.jpg", "/etc/x.jpg"],
    ["Cz/x.jpg", "C:/x.jpg"],
    ["a_b.jpg", "a\\b.jpg"],
    ["__MACOSX/zz/x", "__MACOSX/../x"],
  ])("refuses the whole zip for an entry named %s → %s with a 400", async (placeholder, unsafe) => {
    const zip = renamedInZip(
      await photosZip({ name: placeholder, data: Buffer.from("x") }),
      placeholder,
      unsafe,
    );
    await expectPhotoError(
      readTrainingPhotos([{ name: "photos.zip", data: zip }]),
      400,
      `photos.zip/${unsafe}`,
    );
  });

  it("refuses more than maxZipEntries entries, ignored ones included, with a 413", async () => {
    const zip = await photosZip({ name: "__MACOSX/" }, { name: ".DS_Store", data: Buffer.from("x") });
    const limits = { ...DEFAULT_PHOTO_LIMITS, maxZipEntries: 5 };
    const message = await expectPhotoError(
      readTrainingPhotos([{ name: "photos.zip", data: zip }], limits),
      413,
      "photos.zip",
    );
    expect(message).toContain("6 entries, over the 5");
  });

  it("refuses an entry that declares more than maxFileBytes with a 413, without inflating it", async () => {
    const zip = await photosZip({ name: "zeros.jpg", data: zeros(200 * 2 ** 20) });
    expect(zip.length).toBeLessThan(2 ** 20);
    const message = await expectPhotoError(
      readTrainingPhotos([{ name: "bomb.zip", data: zip }]),
      413,
      "bomb.zip/zeros.jpg",
    );
    expect(message).toContain("200 MiB, over the 20 MiB");
  });

  it("refuses an entry over 1 MiB compressed more than maxCompressionRatio times with a 413", async () => {
    const zip = await photosZip({ name: "zeros.jpg", data: Buffer.alloc(2 * 2 ** 20) });
    const message = await expectPhotoError(
      readTrainingPhotos([{ name: "bomb.zip", data: zip }]),
      413,
      "bomb.zip/zeros.jpg",
    );
    expect(message).toContain("over the ratio of 100");
  });

  it("stops inflating an entry at the size its header declares, with a 413", async () => {
    const honest = await zipOf([{ name: "zeros.jpg", data: Buffer.alloc(8 * 2 ** 20) }]);
    const lying = patchedCentralDirectory(honest, (zip, at) => zip.writeUInt32LE(500_000, at + 24));
    const files = [...(await jpegFiles(4)), { name: "bomb.zip", data: lying }];
    const message = await expectPhotoError(readTrainingPhotos(files), 413, "bomb.zip/zeros.jpg");
    expect(message).toContain("inflates to more than the 488.3 KiB its zip header declares");
  });

  it("refuses a zip in a zip, by name or by content, with a 415", async () => {
    const inner = await zipOf([{ name: "x.jpg", data: await solidPhoto("jpeg", 300, 300, 9) }]);
    const byName = await photosZip({ name: "more/inner.zip", data: inner });
    await expectPhotoError(
      readTrainingPhotos([{ name: "outer.zip", data: byName }]),
      415,
      "outer.zip/more/inner.zip",
    );
    const byContent = await photosZip({ name: "inner.jpg", data: inner });
    await expectPhotoError(
      readTrainingPhotos([{ name: "outer.zip", data: byContent }]),
      415,
      "outer.zip/inner.jpg",
    );
  });

  it("refuses encrypted entries and unknown compression methods with a 415", async () => {
    const zip = await zipOf([{ name: "x.jpg", data: await solidPhoto("jpeg", 300, 300, 9) }]);
    const files = await jpegFiles(4);
    const encrypted = patchedCentralDirectory(zip, (bytes, at) => bytes.writeUInt16LE(1, at + 8));
    const message = await expectPhotoError(
      readTrainingPhotos([...files, { name: "secret.zip", data: encrypted }]),
      415,
      "secret.zip/x.jpg",
    );
    expect(message).toContain("encrypted");
    const bzip2 = patchedCentralDirectory(zip, (bytes, at) => bytes.writeUInt16LE(12, at + 10));
    const other = await expectPhotoError(
      readTrainingPhotos([...files, { name: "bzip2.zip", data: bzip2 }]),
      415,
      "bzip2.zip/x.jpg",
    );
    expect(other).toContain("compression method 12");
  });

  it("refuses a file named .zip that is not one, and a corrupt entry, with a 422", async () => {
    const files = await jpegFiles(4);
    await expectPhotoError(
      readTrainingPhotos([...files, { name: "broken.zip", data: Buffer.from("PK but not really") }]),
      422,
      "broken.zip",
    );
    const photo = await solidPhoto("jpeg", 300, 300, 9);
    const zip = await zipOf([{ name: "x.jpg", data: photo, compress: false }]);
    const corrupt = Buffer.from(zip);
    const middle = zip.indexOf(photo) + Math.floor(photo.length / 2);
    corrupt[middle] = (corrupt[middle] ?? 0) ^ 0xff;
    const message = await expectPhotoError(
      readTrainingPhotos([...files, { name: "flipped.zip", data: corrupt }]),
      422,
      "flipped.zip/x.jpg",
    );
    expect(message).toContain("corrupt");
  });
});
