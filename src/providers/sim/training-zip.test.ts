import sharp from "sharp";
import { describe, expect, it } from "vitest";
import yazl from "yazl";
import { photo } from "../../../test/fakes/replicate/training-zip.ts";
import { inspectTrainingZip } from "./training-zip.ts";

function zip(files: [string, Buffer | string, boolean?][], forceZip64Format = false): Promise<Buffer> {
  const archive = new yazl.ZipFile();
  for (const [name, content, compress = true] of files) {
    if (name.endsWith("/")) archive.addEmptyDirectory(name);
    else {
      const bytes = typeof content === "string" ? Buffer.from(content) : content;
      archive.addBuffer(bytes, name, { compress, forceZip64Format });
    }
  }
  archive.end({ forceZip64Format, comment: "" });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    archive.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
    archive.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    archive.outputStream.on("error", reject);
  });
}

describe("inspectTrainingZip", () => {
  it("finds images by their bytes, stored or deflated, and captions; ignores macOS entries", async () => {
    const png = await photo();
    const bytes = await zip([
      ["set/", ""],
      ["set/a.png", png],
      ["set/a.txt", "a photo of TOK"],
      ["set/b.jpeg", await sharp(png).jpeg().toBuffer(), false],
      ["set/c.webp", await sharp(png).webp().toBuffer()],
      ["set/d.gif", await sharp(png).gif().toBuffer()],
      ["set/renamed.dat", png],
      ["set/fake.png", "not really a png"],
      ["__MACOSX/set/._a.png", png],
      ["set/._b.jpeg", png],
    ]);
    expect(await inspectTrainingZip(bytes)).toEqual({
      entries: [
        "set/",
        "set/a.png",
        "set/a.txt",
        "set/b.jpeg",
        "set/c.webp",
        "set/d.gif",
        "set/renamed.dat",
        "set/fake.png",
        "__MACOSX/set/._a.png",
        "set/._b.jpeg",
      ],
      images: ["set/a.png", "set/b.jpeg", "set/c.webp", "set/d.gif", "set/renamed.dat"],
      captions: ["set/a.txt"],
    });
  });

  it("reads zip64 archives", async () => {
    const bytes = await zip(
      [
        ["a.png", await photo()],
        ["a.txt", "caption"],
      ],
      true,
    );
    expect(await inspectTrainingZip(bytes)).toEqual({
      entries: ["a.png", "a.txt"],
      images: ["a.png"],
      captions: ["a.txt"],
    });
  });

  it("says what is wrong with anything else", async () => {
    expect(await inspectTrainingZip(await photo())).toMatchObject({
      error: expect.stringMatching(/^input_images must be a zip file of images; this is not a zip file \(/),
    });
    expect(await inspectTrainingZip(Buffer.alloc(0))).toMatchObject({
      error: expect.stringMatching(/not a zip file/),
    });
    expect(await inspectTrainingZip(await zip([]))).toEqual({
      error: "input_images holds no images (PNG, JPEG, WebP or GIF): it is empty",
    });
    expect(await inspectTrainingZip(await zip([["a.txt", "caption only"]]))).toEqual({
      error: "input_images holds no images (PNG, JPEG, WebP or GIF): found a.txt",
    });
    const truncated = (await zip([["a.png", await photo()]])).subarray(0, 40);
    expect(await inspectTrainingZip(truncated)).toMatchObject({
      error: expect.stringMatching(/not a zip file/),
    });
  });
});
