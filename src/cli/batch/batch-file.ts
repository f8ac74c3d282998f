/** Reads a batch file, by its extension: .json, .jsonl, .csv, or else one prompt a line. */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { type BatchFile, type BatchItem, fileError } from "./batch-items.ts";
import { csvItems } from "./csv-items.ts";
import { jsonBatchFile, jsonLinesItems } from "./json-items.ts";

export async function readBatchFile(path: string): Promise<BatchFile> {
  const batch = parseBatchFile(await readFile(path, "utf8"), path);
  if (batch.items.length === 0) throw fileError(path, "no items");
  return batch;
}

export function parseBatchFile(text: string, file: string): BatchFile {
  switch (extname(file).toLowerCase()) {
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

function promptLines(text: string): BatchItem[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((prompt) => ({ input: { prompt } }));
}
