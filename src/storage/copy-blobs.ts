/**
 * Copies every blob of one driver to another, resumably: a blob already there with the same size
 * is skipped (its key is its hash), a copied one is checked against its key's hash as it streams.
 * Nothing is switched: the source stays in use until STORAGE_URL says otherwise.
 */
import { createHash } from "node:crypto";
import type { BlobStorage } from "./blob-storage.ts";

export interface CopySummary {
  copied: number;
  skipped: number;
  /** Keys that could not be copied, or whose bytes do not match their hash, with why. */
  failed: { key: string; reason: string }[];
}

export interface CopyOptions {
  /** Blobs copied at once. */
  concurrency?: number;
  /** Also read back each blob found at the destination and check its hash. */
  verifyExisting?: boolean;
  onBlob?(key: string, outcome: "copied" | "skipped" | "failed"): void;
}

const hashOfKey = (key: string) => key.slice(key.lastIndexOf("/") + 1, key.lastIndexOf("."));
const extensionOfKey = (key: string) => key.slice(key.lastIndexOf(".") + 1);

async function sha256Of(storage: BlobStorage, key: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of await storage.open(key)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export async function copyBlobs(
  from: BlobStorage,
  to: BlobStorage,
  options: CopyOptions = {},
): Promise<CopySummary> {
  const summary: CopySummary = { copied: 0, skipped: 0, failed: [] };
  const copyOne = async (key: string) => {
    const source = await from.stat(key);
    if (!source) throw new Error("vanished from the source");
    const there = await to.stat(key);
    if (
      there?.size === source.size &&
      (!options.verifyExisting || (await sha256Of(to, key)) === hashOfKey(key))
    )
      return "skipped" as const;
    const area = key.startsWith("uploads/") ? "uploads" : "public";
    const stored = await to.put(await from.open(key), extensionOfKey(key), undefined, area);
    if (stored.key !== key) {
      // The source's bytes are not what their key says: keep no copy under another name.
      await to.delete(stored.key);
      throw new Error(`its bytes hash to ${stored.sha256}, not to its key`);
    }
    return "copied" as const;
  };
  const keys = from.keys()[Symbol.asyncIterator]();
  const worker = async () => {
    for (let next = await keys.next(); !next.done; next = await keys.next()) {
      const key = next.value;
      try {
        const outcome = await copyOne(key);
        summary[outcome]++;
        options.onBlob?.(key, outcome);
      } catch (error) {
        summary.failed.push({ key, reason: error instanceof Error ? error.message : String(error) });
        options.onBlob?.(key, "failed");
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return summary;
}
