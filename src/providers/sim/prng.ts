import { createHash } from "node:crypto";

/**
 * A deterministic random generator (sfc32) seeded from a hash of `parts`, so equal parts give
 * equal sequences in any process. `next()` gives floats in [0, 1).
 *
 * A class rather than a closure made per call: V8 keeps a function's optimized code only weakly
 * for closures made afresh, drops it at each full collection and compiles it again (see
 * BENCHMARKS.md, "The steady state"); one method keeps its code.
 */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(...parts: (string | number)[]) {
    const digest = createHash("sha256").update(parts.join("\u0000")).digest();
    this.#a = digest.readUInt32LE(0);
    this.#b = digest.readUInt32LE(4);
    this.#c = digest.readUInt32LE(8);
    this.#d = digest.readUInt32LE(12);
  }

  next(): number {
    const b = this.#b;
    const c = this.#c;
    const t = (((this.#a + b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) / 4294967296;
  }
}
