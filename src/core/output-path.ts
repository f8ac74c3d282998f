/**
 * A batch item's own output path: a relative path inside the output folder (the archive, or the
 * CLI's `--out`), subfolders allowed and names kept as given, refused when it could climb out of the
 * folder or is not safe on common file systems.
 */

const MAX_PATH_BYTES = 1024;
const MAX_PART_BYTES = 255;
/** A path separator or a character Windows refuses in names. */
const UNSAFE_CHARACTER = /[\\:*?"<>|]/;
/** Names Windows keeps for devices, with any extension. */
const RESERVED_NAME = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** Why `path` cannot name a file inside the output folder, or undefined when it can. */
export function outputPathProblem(path: string): string | undefined {
  if (path === "") return "must not be empty";
  if (/\p{Cc}/u.test(path)) return "must not contain control characters (NUL, line breaks, tabs…)";
  if (path.startsWith("/")) return "must be relative to the output folder, not absolute";
  const unsafe = UNSAFE_CHARACTER.exec(path)?.[0];
  if (unsafe !== undefined) return `must not contain ${unsafe} (use / between folders)`;
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return `must be at most ${MAX_PATH_BYTES} bytes`;
  for (const part of path.split("/")) {
    if (part === "") return "must not have an empty part (// or a / at the end)";
    if (part === "." || part === "..") return "must stay inside the output folder: no . or .. parts";
    if (Buffer.byteLength(part) > MAX_PART_BYTES) return `each part must be at most ${MAX_PART_BYTES} bytes`;
    if (/[ .]$/.test(part)) return `"${part}" must not end with a space or a dot`;
    if (RESERVED_NAME.test(part)) return `"${part}" is a name reserved for devices on Windows`;
  }
  return undefined;
}

export interface PathFile {
  /** The output number within the item, from 1. */
  output: number;
  /** How many output files the item has. */
  outputs: number;
  ext: string;
}

/**
 * The file name of one output of an item with its own `path`: the path as given, with `.<ext>`
 * added when its name has no extension, and `_<n>` before the extension for outputs after the first.
 */
export function renderOutputPath(path: string, file: PathFile): string {
  const nameStart = path.lastIndexOf("/") + 1;
  const dot = path.lastIndexOf(".");
  const hasExtension = dot > nameStart;
  const stem = hasExtension ? path.slice(0, dot) : path;
  const extension = hasExtension ? path.slice(dot) : `.${file.ext}`;
  const suffix = file.outputs > 1 && file.output > 1 ? `_${file.output}` : "";
  return `${stem}${suffix}${extension}`;
}
