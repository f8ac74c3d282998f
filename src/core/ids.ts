import { randomBytes, randomFillSync } from "node:crypto";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const ID_BYTES = 17;
/** Random bytes for ids, drawn from the CSPRNG a few hundred ids at a time (a call per id showed in profiles). */
const pool = Buffer.allocUnsafe(ID_BYTES * 256);
let drawn = pool.length;

/** A Replicate-style id: 26 lowercase base32 characters (130 random bits). */
export function newId(): string {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  const start = drawn;
  drawn += ID_BYTES;
  let bits = 0;
  let value = 0;
  let out = "";
  for (let i = start; i < drawn; i++) {
    value = (value << 8) | (pool[i] as number);
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** A random secret of `bytes` bytes, url-safe base64, with an optional prefix. */
export function newSecret(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString("base64url")}`;
}

/** What an id of a row may look like (`newId`'s, and the shorter ones tests make): never more. */
export const ID_PATTERN = /^[a-z0-9]{1,64}$/;
