import { createHash } from "node:crypto";

/**
 * A deterministic random generator (sfc32) seeded from a hash of `parts`, so equal parts give
 * equal sequences in any process. Returns floats in [0, 1).
 */
export function seededRandom(...parts: (string | number)[]): () => number {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}
