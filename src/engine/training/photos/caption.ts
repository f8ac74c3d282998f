/** A photo's caption: the UTF-8 text file named like the photo, `x.txt` beside `x.jpg`. */
import { formatBytes, photoError } from "./photo-error.ts";
import type { PhotoSource } from "./photo-source.ts";

const MAX_CHARS = 1000;
/** The most bytes MAX_CHARS characters take in UTF-8, after a byte order mark. */
const MAX_BYTES = MAX_CHARS * 4 + 3;

function tooLong(original: string, size: string): never {
  const description = `"${original}" is ${size}; a caption may have at most ${MAX_CHARS.toLocaleString("en")} characters`;
  throw photoError("invalid_input", "caption", description);
}

/** The text without surrounding white space, or undefined if that leaves none; not UTF-8 or too long is a 422. */
export async function readCaption(source: PhotoSource): Promise<string | undefined> {
  if (source.size > MAX_BYTES) tooLong(source.original, formatBytes(source.size));
  const data = await source.read();
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data).trim();
  } catch (error) {
    throw photoError("invalid_input", "caption", `"${source.original}" is not UTF-8 text`, error);
  }
  const chars = [...text].length;
  if (chars > MAX_CHARS) tooLong(source.original, `${chars.toLocaleString("en")} characters`);
  return text === "" ? undefined : text;
}
