/** Reads a batch file's text, by its name's extension: .json, .jsonl, .csv, or else one prompt a line. */
import { type BatchFile, type BatchItem, fileError } from "./batch-file-items.ts";
import { csvItems } from "./csv-items.ts";
import { jsonBatchFile, jsonLinesItems } from "./json-items.ts";

export type { BatchFile, BatchItem } from "./batch-file-items.ts";

/** `file` is the file's name (or path), which errors begin with; a file without items is refused. */
export function parseBatchFile(text: string, file: string): BatchFile {
  const batch = parseByExtension(text, file);
  if (batch.items.length === 0) throw fileError(file, "no items");
  return batch;
}

function parseByExtension(text: string, file: string): BatchFile {
  switch (extensionOf(file)) {
    case ".json":
      return jsonBatchFile(text, file);
    case ".jsonl":
      return { items: jsonLinesItems(text, file) };
    case ".csv":
      return { items: csvItems(text, file) };
    default:
      return { items: promptLines(text) };
  }
}

/** `.csv` of `dir/prompts.CSV`; "" without one (as `node:path`'s extname, which the browser side lacks). */
function extensionOf(file: string): string {
  const name = file.slice(Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\")) + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
}

function promptLines(text: string): BatchItem[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((prompt) => ({ input: { prompt } }));
}
