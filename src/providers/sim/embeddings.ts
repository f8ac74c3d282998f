/**
 * sim/embeddings' vectors: each text's SHA-256 stretched to `dimensions` numbers in [-1, 1) and
 * scaled to length 1. The same text always gives the same vector; different texts point in
 * unrelated directions (nothing semantic, as a simulator should be).
 */
import { createHash } from "node:crypto";

const FLOATS_PER_BLOCK = 8;

export function simEmbedding(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash("sha256").update(`${block}\0${text}`).digest();
    for (let i = 0; i < FLOATS_PER_BLOCK && values.length < dimensions; i++)
      values.push(digest.readUInt32BE(i * 4) / 2 ** 31 - 1);
  }
  const length = Math.hypot(...values) || 1;
  return values.map((value) => value / length);
}
