/** Copies a provider's output files into gengate storage, as streams, before a prediction succeeds. */
import { fileRef, mapLeaves } from "../core/output.ts";
import { isOutputFile, type OutputFile } from "../providers/provider.ts";
import type { BlobStorage } from "../storage/blob-storage.ts";

export function collectOutputs(output: unknown, storage: BlobStorage): Promise<unknown> {
  return mapLeaves(output, isOutputFile, async (file: OutputFile) => {
    const body = await file.open();
    // open() may have refined the extension from the download
    const stored = await storage.put(body, file.extension);
    return fileRef(stored.key);
  });
}

/** True when the output holds files that are not stored yet (so it cannot be shown as partial output). */
export function hasPendingFiles(output: unknown): boolean {
  if (isOutputFile(output)) return true;
  if (Array.isArray(output)) return output.some(hasPendingFiles);
  if (typeof output === "object" && output !== null) return Object.values(output).some(hasPendingFiles);
  return false;
}
