import { randomBytes } from "node:crypto";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** A Replicate-style id: 26 lowercase base32 characters (130 random bits). */
export function newId(): string {
  const bytes = randomBytes(17);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
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
