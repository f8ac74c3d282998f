/** HTTP range requests (RFC 9110 §14): one `bytes=` range of a file of known size. */
import type { ByteRange } from "../storage/blob-storage.ts";

/**
 * The range a `Range` header asks of a `size`-byte file: undefined for the whole file (no header,
 * another unit, or several ranges, which may be answered whole), null when none of it exists (416).
 */
export function rangeOf(header: string | undefined, size: number): ByteRange | undefined | null {
  const match = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return null;
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return end < start ? undefined : { start, end };
}
