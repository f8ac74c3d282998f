/** Copies a provider's output files into gengate storage before a prediction succeeds. */
import { Readable } from "node:stream";
import { GatewayError } from "../core/errors.ts";
import { fileRef, mapLeaves } from "../core/output.ts";
import { isOutputFile, type OutputFile } from "../providers/provider.ts";
import { type BlobStorage, blobOfBytes } from "../storage/blob-storage.ts";
import type { Store } from "../store/index.ts";

/** Stores each output file of `output` and records that `predictionId` holds it, so retention leaves it. */
export function collectOutputs(
  output: unknown,
  store: Store,
  storage: BlobStorage,
  predictionId: string,
): Promise<unknown> {
  return mapLeaves(output, isOutputFile, async (file: OutputFile) => {
    const body = await file.open();
    // open() may have refined the extension from the download
    if (body instanceof Readable) {
      const stored = await storage.put(body, file.extension);
      await holdOutput(store, storage, predictionId, stored.key);
      return fileRef(stored.key);
    }
    // Bytes in hand have their key before they are stored: held first, retention cannot delete them after.
    const { bytes, blob } = blobOfBytes(body, file.extension);
    if (await store.retention.hold(predictionId, blob.key)) throw deletedAsStored();
    await storage.put({ bytes, digest: blob }, file.extension);
    return fileRef(blob.key);
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
  if (beingDeleted || (await storage.stat(key)) === null) throw deletedAsStored();
}

function deletedAsStored(): GatewayError {
  return new GatewayError("internal", "an output file was deleted by retention as it was stored", {
    retryable: true,
    retryAfterMs: 1_000,
  });
}

/** True when the output holds files that are not stored yet (so it cannot be shown as partial output). */
export function hasPendingFiles(output: unknown): boolean {
  if (isOutputFile(output)) return true;
  if (Array.isArray(output)) return output.some(hasPendingFiles);
  if (typeof output === "object" && output !== null) return Object.values(output).some(hasPendingFiles);
  return false;
}
