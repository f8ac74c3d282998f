/**
 * What sim/lora-trainer finds in its `input_images` zip, checked like ostris/flux-dev-lora-trainer
 * (reference/replicate.md §12): a zip of images, with optional `<image>.txt` captions; `__MACOSX/`
 * and `._*` entries are ignored. Images are known by their first bytes (PNG, JPEG, WebP, GIF).
 */
import { type Entry, fromBuffer, type ZipFile } from "yauzl";

export interface TrainingZip {
  /** Every entry's name, in the zip's order. */
  entries: string[];
  images: string[];
  captions: string[];
}

const MAGIC_BYTES = 12;

export function isImageHead(head: Uint8Array): boolean {
  const ascii = (start: number, end: number) => Buffer.from(head.subarray(start, end)).toString("latin1");
  if (head[0] === 0x89 && ascii(1, 4) === "PNG") return true;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return true;
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return true;
  return ascii(0, 4) === "GIF8";
}

const ignored = (name: string) =>
  name.endsWith("/") || name.startsWith("__MACOSX/") || (name.split("/").at(-1) ?? "").startsWith("._");

function openZip(zip: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    fromBuffer(zip, { lazyEntries: true }, (error, file) => (error ? reject(error) : resolve(file))),
  );
}

/** The first bytes of an entry, enough to tell an image by its magic number; the rest is not inflated. */
function headOf(file: ZipFile, entry: Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    file.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      let head = Buffer.alloc(0);
      const done = () => resolve(head.subarray(0, MAGIC_BYTES));
      stream.on("data", (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        if (head.length < MAGIC_BYTES) return;
        stream.destroy();
        done();
      });
      stream.on("end", done);
      stream.on("error", reject);
    });
  });
}

async function readZip(zip: Buffer): Promise<TrainingZip> {
  const file = await openZip(zip);
  const found: TrainingZip = { entries: [], images: [], captions: [] };
  await new Promise<void>((resolve, reject) => {
    file.on("entry", async (entry: Entry) => {
      try {
        found.entries.push(entry.fileName);
        if (!ignored(entry.fileName)) {
          if (entry.fileName.toLowerCase().endsWith(".txt")) found.captions.push(entry.fileName);
          else if (isImageHead(await headOf(file, entry))) found.images.push(entry.fileName);
        }
        file.readEntry();
      } catch (error) {
        reject(error);
      }
    });
    file.on("end", resolve);
    file.on("error", reject);
    file.readEntry();
  });
  return found;
}

/** The zip's images and captions, or why it is not a usable training zip. */
export async function inspectTrainingZip(zip: Buffer): Promise<TrainingZip | { error: string }> {
  let found: TrainingZip;
  try {
    found = await readZip(zip);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { error: `input_images must be a zip file of images; this is not a zip file (${why})` };
  }
  if (found.images.length === 0) {
    const listed =
      found.entries.length === 0 ? "it is empty" : `found ${found.entries.slice(0, 10).join(", ")}`;
    return { error: `input_images holds no images (PNG, JPEG, WebP or GIF): ${listed}` };
  }
  return found;
}
