/** Copies a provider's output files into gengate storage, as streams, before a prediction succeeds. */
import { GatewayError } from "../core/errors.ts";
import { fileRef, mapLeaves } from "../core/output.ts";
import { isOutputFile, type OutputFile } from "../providers/provider.ts";
import type { BlobStorage } from "../storage/blob-storage.ts";
import type { Store } from "../store/index.ts";

/** `hold` records that the prediction holds each stored blob, as soon as it is stored. */
export function collectOutputs(
  output: unknown,
  storage: BlobStorage,
  hold: (key: string) => Promise<void>,
): Promise<unknown> {
  return mapLeaves(output, isOutputFile, async (file: OutputFile) => {
    const body = await file.open();
    // open() may have refined the extension from the download
    const stored = await storage.put(body, file.extension);
    await hold(stored.key);
    return fileRef(stored.key);
  });
}

/**
 * Records that `predictionId` holds the stored blob `key`, so retention leaves it. When retention
 * was deleting the same bytes (another prediction's, gone now) as they were stored, the blob may
 * be gone: the collection fails, to be retried, and stores them again.
 */
export async function holdOutput(
  store: Store,
  storage: BlobStorage,
  predictionId: string,
  key: string,
): Promise<void> {
  const beingDeleted = await store.retention.hold(predictionId, key);
  if (beingDeleted || (await storage.stat(key)) === null) {
    throw new GatewayError("internal", "an output file was deleted by retention as it was stored", {
      retryable: true,
      retryAfterMs: 1_000,
    });
  }
}

/** True when the output holds files that are not stored yet (so it cannot be shown as partial output). */
export function hasPendingFiles(output: unknown): boolean {
  if (isOutputFile(output)) return true;
  if (Array.isArray(output)) return output.some(hasPendingFiles);
  if (typeof output === "object" && output !== null) return Object.values(output).some(hasPendingFiles);
  return false;
}
