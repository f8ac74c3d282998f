import { createCipheriv, randomBytes } from "node:crypto";
import { Readable } from "node:stream";

/**
 * `size` pseudo-random bytes (AES-256-CTR of zeros, so the same `seed` gives the same bytes) as a
 * stream of 64 KiB chunks, never all in memory.
 */
export function randomStream(size: number, seed: Buffer = randomBytes(32)): Readable {
  const cipher = createCipheriv("aes-256-ctr", seed.subarray(0, 32), Buffer.alloc(16));
  const zeros = Buffer.alloc(65_536);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const length = Math.min(zeros.length, size - sent);
      sent += length;
      this.push(cipher.update(zeros.subarray(0, length)));
    },
  });
}
