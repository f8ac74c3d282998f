/**
 * What a trainer finds in its `input_images` zip, checked like ostris/flux-dev-lora-trainer does
 * (reference/replicate.md §12): a zip of images, with optional `<image>.txt` captions; `__MACOSX/`
 * and `._*` entries are ignored. An image is known by its first bytes (PNG, JPEG, WebP, GIF).
 */
import yauzl from "yauzl";

export interface TrainingZip {
  /** Every entry's name, in the zip's order (directories and ignored entries included). */
  entries: string[];
  images: string[];
  captions: string[];
}

/** What a training received, for tests to assert the upload. */
export interface TrainingInputRecord {
  trainingId: string;
  /** The `input_images` URL as the training got it. */
  url: string;
  size: number;
  entries: string[];
  images: string[];
  captions: string[];
}

const MAGIC_BYTES = 12;

function isImage(head: Buffer): boolean {
  const ascii = (start: number, end: number) => head.subarray(start, end).toString("latin1");
  if (head[0] === 0x89 && ascii(1, 4) === "PNG") return true;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return true;
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return true;
  return ascii(0, 4) === "GIF8";
}

const ignored = (name: string) =>
  name.endsWith("/") || name.startsWith("__MACOSX/") || (name.split("/").at(-1) ?? "").startsWith("._");

async function head(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= MAGIC_BYTES) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, MAGIC_BYTES);
}

/** Throws an Error saying what is wrong when `bytes` is not a zip holding at least one image. */
export async function inspectTrainingZip(bytes: Buffer): Promise<TrainingZip> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`input_images must be a zip file of images; this is not a zip file (${why})`);
  }
  const found: TrainingZip = { entries: [], images: [], captions: [] };
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      found.entries.push(name);
      if (ignored(name)) continue;
      if (name.toLowerCase().endsWith(".txt")) found.captions.push(name);
      else if (isImage(await head(zip, entry))) found.images.push(name);
    }
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`input_images is a damaged zip file (${why})`);
  } finally {
    zip.close();
  }
  if (found.images.length === 0) {
    const listed = found.entries.length === 0 ? "it is empty" : `found ${found.entries.join(", ")}`;
    throw new Error(`input_images holds no images (PNG, JPEG, WebP or GIF): ${listed}`);
  }
  return found;
}
