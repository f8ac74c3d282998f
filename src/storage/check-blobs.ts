/** Compares the blobs the database refers to with those a driver holds. */
import type { BlobStorage } from "./blob-storage.ts";

export interface BlobCheck {
  /** Distinct keys the database refers to. */
  referenced: number;
  stored: number;
  /** Referenced, but not in storage. */
  missing: string[];
  /** In storage, referenced by nothing. */
  orphans: string[];
}

export async function checkBlobs(
  storage: BlobStorage,
  references: AsyncIterable<string>,
): Promise<BlobCheck> {
  const referenced = new Set<string>();
  for await (const key of references) referenced.add(key);
  const found = new Set<string>();
  const orphans: string[] = [];
  for await (const key of storage.keys()) {
    found.add(key);
    if (!referenced.has(key)) orphans.push(key);
  }
  const missing = [...referenced].filter((key) => !found.has(key));
  return {
    referenced: referenced.size,
    stored: found.size,
    missing: missing.sort(),
    orphans: orphans.sort(),
  };
}
