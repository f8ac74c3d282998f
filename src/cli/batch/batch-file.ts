/** Reads a batch file from disk; the formats are core's, shared with the dashboard. */
import { readFile } from "node:fs/promises";
import { type BatchFile, parseBatchFile } from "../../core/batch-file/parse-batch-file.ts";

export async function readBatchFile(path: string): Promise<BatchFile> {
  return parseBatchFile(await readFile(path, "utf8"), path);
}
