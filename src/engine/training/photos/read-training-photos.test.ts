import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../core/errors.ts";
import { DEFAULT_PHOTO_LIMITS, type PhotoLimits } from "./limits.ts";
import { readTrainingPhotos } from "./read-training-photos.ts";
import { expectPhotoError, jpegFiles, noisyPng, solidPhoto, zipOf } from "./test-fixtures.ts";

const limits = (overrides: Partial<PhotoLimits>): PhotoLimits => ({ ...DEFAULT_PHOTO_LIMITS, ...overrides });

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe("readTrainingPhotos", () => {
  it("normalises JPEG, PNG and WebP to metadata-free sRGB JPEGs named in upload order", async () => {
    const files = [
      { name: "one.png", data: await solidPhoto("png", 400, 300, 1) },
      { name: "two.webp", data: await solidPhoto("webp", 300, 500, 2) },
      { name: "three.jpg", data: await solidPhoto("jpeg", 256, 256, 3) },
      { name: "four.jpeg", data: await solidPhoto("jpeg", 1000, 800, 4) },
    ];
    const photos = await readTrainingPhotos(files);
    expect(photos.map(({ name, original, width, height }) => ({ name, original, width, height }))).toEqual([
      { name: "photo-001.jpg", original: "one.png", width: 400, height: 300 },
      { name: "photo-002.jpg", original: "two.webp", width: 300, height: 500 },
      { name: "photo-003.jpg", original: "three.jpg", width: 256, height: 256 },
      { name: "photo-004.jpg", original: "four.jpeg", width: 1000, height: 800 },
    ]);
    for (const photo of photos) {
      const metadata = await sharp(photo.jpeg).metadata();
      expect(metadata).toMatchObject({
        format: "jpeg",
        space: "srgb",
        width: photo.width,
        height: photo.height,
      });
      expect(metadata.exif).toBeUndefined();
      expect(metadata.icc).toBeUndefined();
      expect(photo.caption).toBeUndefined();
    }
  });

  it("flattens transparency onto white", async () => {
    const transparent = await sharp({
      create: { width: 300, height: 300, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const [photo] = await readTrainingPhotos([
      { name: "clear.png", data: transparent },
      ...(await jpegFiles(3)),
    ]);
    const { data } = await sharp(photo?.jpeg).raw().toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 3)]).toEqual([255, 255, 255]);
  });

  it("turns a photo upright from its EXIF orientation", async () => {
    const rotated = await sharp(await solidPhoto("jpeg", 400, 300, 9))
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const [photo] = await readTrainingPhotos([
      { name: "rotated.jpg", data: rotated },
      ...(await jpegFiles(3)),
    ]);
    expect(photo).toMatchObject({ original: "rotated.jpg", width: 300, height: 400 });
    const metadata = await sharp(photo?.jpeg).metadata();
    expect([metadata.width, metadata.height, metadata.orientation]).toEqual([300, 400, undefined]);
  });

  it("downscales to maxSide on the longer side and never upscales", async () => {
    const files = [
      { name: "wide.jpg", data: await solidPhoto("jpeg", 2000, 1000, 1) },
      { name: "tall.png", data: await solidPhoto("png", 600, 1500, 2) },
      ...(await jpegFiles(2, 10)),
    ];
    const photos = await readTrainingPhotos(files, limits({ maxSide: 1024 }));
    expect(photos.map(({ width, height }) => [width, height])).toEqual([
      [1024, 512],
      [410, 1024],
      [300, 300],
      [300, 300],
    ]);
  });

  it("reads zips, by name or by content, with captions, and ignores folders, macOS files and stray text", async () => {
    const [a, b, c, d] = await Promise.all([
      solidPhoto("jpeg", 300, 300, 1),
      solidPhoto("jpeg", 300, 300, 2),
      solidPhoto("jpeg", 300, 300, 3),
      solidPhoto("png", 300, 300, 4),
    ]);
    const zip = await zipOf([
      { name: "set/" },
      { name: "set/b.txt", data: Buffer.from("  a photo of TOK on a beach, 日本\n") },
      { name: "set/a.jpg", data: a },
      { name: "set/b.jpg", data: b },
      { name: "__MACOSX/set/._a.jpg", data: Buffer.from("resource fork") },
      { name: "set/.DS_Store", data: Buffer.from("finder") },
      { name: "set/notes.txt", data: Buffer.from("not a caption") },
      { name: "set/empty.txt", data: Buffer.from(" \n") },
    ]);
    const unnamed = await zipOf([
      { name: "c.jpg", data: c, compress: false },
      { name: "c.txt", data: Buffer.from(" \n") },
    ]);
    const photos = await readTrainingPhotos([
      { name: "set.zip", data: zip },
      { name: "download", data: unnamed },
      { name: "d.png", data: d },
      { name: "d.txt", data: Buffer.from("\uFEFFa photo of TOK") },
    ]);
    expect(photos.map(({ name, original, caption }) => ({ name, original, caption }))).toEqual([
      { name: "photo-001.jpg", original: "set.zip/set/a.jpg", caption: undefined },
      { name: "photo-002.jpg", original: "set.zip/set/b.jpg", caption: "a photo of TOK on a beach, 日本" },
      { name: "photo-003.jpg", original: "download/c.jpg", caption: undefined },
      { name: "photo-004.jpg", original: "d.png", caption: "a photo of TOK" },
    ]);
    expect(photos.filter((photo) => "caption" in photo)).toHaveLength(2);
  });

  it("drops files with the same bytes as an earlier one", async () => {
    const files = await jpegFiles(4);
    const copy = { name: "copy.jpg", data: Buffer.from(files[1]?.data ?? []) };
    const zip = await zipOf([{ name: "again.jpg", data: files[2]?.data ?? Buffer.alloc(0) }]);
    const photos = await readTrainingPhotos([...files, copy, { name: "more.zip", data: zip }]);
    expect(photos.map((photo) => photo.original)).toEqual(["a-0.jpg", "a-1.jpg", "a-2.jpg", "a-3.jpg"]);
  });

  it("refuses fewer than minPhotos, counting identical files once", async () => {
    const files = await jpegFiles(3);
    const error = await rejection(
      readTrainingPhotos([...files, { name: "copy.jpg", data: files[0]?.data ?? Buffer.alloc(0) }]),
    );
    expect(error.status).toBe(422);
    expect(error.message).toContain("found 3 photos (and 1 identical copy), fewer than the 4 needed");
    expect(error.message).toContain("upload 4 to 200 photos");
    expect(error.invalidFields?.[0]?.field).toBe("photos");
  });

  it("refuses more than maxPhotos before decoding the one too many", async () => {
    const files = await jpegFiles(6);
    files[5] = { name: "not-decoded.jpg", data: Buffer.from("not an image") };
    const error = await rejection(readTrainingPhotos(files, limits({ minPhotos: 2, maxPhotos: 5 })));
    expect(error.status).toBe(422);
    expect(error.message).toContain("found 6 photo files, over the 5 allowed");
    expect(error.message).toContain("upload 2 to 5 photos");
  });

  it("refuses a file that is not an image, whatever its name, with a 415", async () => {
    const files = [...(await jpegFiles(4)), { name: "holiday.jpg", data: Buffer.from("just some text\n") }];
    await expectPhotoError(readTrainingPhotos(files), 415, "holiday.jpg");
  });

  it("refuses an image in a format that is not a photo with a 415", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512"><rect/></svg>');
    const message = await expectPhotoError(
      readTrainingPhotos([...(await jpegFiles(4)), { name: "logo.png", data: svg }]),
      415,
      "logo.png",
    );
    expect(message).toContain("SVG");
  });

  it("refuses a truncated JPEG with a 422", async () => {
    const jpeg = await sharp(await noisyPng(600, 400))
      .jpeg()
      .toBuffer();
    const files = [...(await jpegFiles(4)), { name: "cut.jpg", data: jpeg.subarray(0, jpeg.length / 2) }];
    await expectPhotoError(readTrainingPhotos(files), 422, "cut.jpg");
  });

  it("refuses a photo under minSide on its shorter side with a 422", async () => {
    const files = [
      { name: "thumb.webp", data: await solidPhoto("webp", 1000, 255, 1) },
      ...(await jpegFiles(4)),
    ];
    const message = await expectPhotoError(readTrainingPhotos(files), 422, "thumb.webp");
    expect(message).toContain("1000×255 px");
  });

  it("refuses a photo over maxPixels with a 422 before decoding it", async () => {
    const files = [
      ...(await jpegFiles(4)),
      { name: "huge.png", data: await solidPhoto("png", 1000, 1001, 1) },
    ];
    const message = await expectPhotoError(
      readTrainingPhotos(files, limits({ maxPixels: 1_000_000 })),
      422,
      "huge.png",
    );
    expect(message).toContain("1000×1001 px, over the 1 megapixels");
  });

  it("refuses a file over maxFileBytes with a 413", async () => {
    const big = await noisyPng(300, 300);
    const files = [...(await jpegFiles(4)), { name: "big.png", data: big }];
    await expectPhotoError(
      readTrainingPhotos(files, limits({ maxFileBytes: big.length - 1 })),
      413,
      "big.png",
    );
  });

  it("refuses files over maxTotalBytes in all with a 413", async () => {
    const files = await jpegFiles(5);
    const total = files.reduce((sum, file) => sum + file.data.length, 0);
    const error = await rejection(readTrainingPhotos(files, limits({ maxTotalBytes: total - 1 })));
    expect(error.status).toBe(413);
    expect(error.message).toContain("the 5 photos and captions come to");
  });

  it("refuses a caption that is not UTF-8 or is over 1,000 characters with a 422", async () => {
    const files = await jpegFiles(4);
    const latin1 = { name: "a-1.txt", data: Buffer.from("café", "latin1") };
    await expectPhotoError(readTrainingPhotos([...files, latin1]), 422, "a-1.txt");
    const long = { name: "a-2.txt", data: Buffer.from("é".repeat(1001)) };
    const message = await expectPhotoError(readTrainingPhotos([...files, long]), 422, "a-2.txt");
    expect(message).toContain("1,001 characters");
    const huge = { name: "a-3.txt", data: Buffer.alloc(5000, "a") };
    await expectPhotoError(readTrainingPhotos([...files, huge]), 422, "a-3.txt");
    const photos = await readTrainingPhotos([
      ...files,
      { name: "a-0.txt", data: Buffer.from("é".repeat(1000)) },
    ]);
    expect(photos[0]?.caption).toHaveLength(1000);
  });
});
