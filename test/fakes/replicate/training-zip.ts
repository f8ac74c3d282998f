/** Test helper: training zips (tiny PNG photos, optional captions, or anything else) built in memory. */
import sharp from "sharp";
import yazl from "yazl";

/** A small PNG of one colour. */
export function photo(red = 200, green = 120, blue = 40, size = 16): Promise<Buffer> {
  return sharp({
    create: { width: size, height: size, channels: 3, background: { r: red, g: green, b: blue } },
  })
    .png()
    .toBuffer();
}

/** A zip of `files` (name → content), in order. */
export function zipOf(files: Record<string, Buffer | string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) {
    zip.addBuffer(typeof content === "string" ? Buffer.from(content) : content, name);
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on("error", reject);
  });
}

/** A zip of `count` photos named photo-<i>.png, with a caption for the first. */
export async function photosZip(count = 2): Promise<Buffer> {
  const files: Record<string, Buffer | string> = {};
  for (let i = 0; i < count; i++) files[`photo-${i}.png`] = await photo(40 * i, 120, 200 - 30 * i);
  if (count > 0) files["photo-0.txt"] = "a photo of TOK";
  return zipOf(files);
}

export const dataUrlOf = (bytes: Buffer, type = "application/zip") =>
  `data:${type};base64,${bytes.toString("base64")}`;
