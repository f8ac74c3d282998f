import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import { GatewayError } from "../core/errors.ts";

/** What a hashing stream measured once its source has ended. */
export interface StreamDigest {
  size: number;
  sha256: string;
  md5: string;
}

export interface HashingStream {
  stream: Transform;
  /** Valid once the stream has ended. */
  digest(): StreamDigest;
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError("payload_too_large", `file is larger than ${maxBytes} bytes`);
}

/** What `hashingStream` measures, of bytes already in memory; more than `maxBytes` fails. */
export function digestOf(bytes: Uint8Array, maxBytes = Number.POSITIVE_INFINITY): StreamDigest {
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  return {
    size: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    md5: createHash("md5").update(bytes).digest("hex"),
  };
}

/** Bytes in memory with their digest: their content key is known before they are stored. */
export interface DigestedBytes {
  bytes: Uint8Array;
  digest: StreamDigest;
}

/** Bytes in memory with their digest, hashed once whoever asks; more than `maxBytes` fails. */
export function digestedOnce(
  source: Uint8Array | DigestedBytes,
  maxBytes = Number.POSITIVE_INFINITY,
): DigestedBytes {
  if (source instanceof Uint8Array) return { bytes: source, digest: digestOf(source, maxBytes) };
  if (source.digest.size > maxBytes) throw tooLarge(maxBytes);
  return source;
}

/** Passes bytes through, counting and hashing them; more than `maxBytes` fails the stream. */
export function hashingStream(maxBytes = Number.POSITIVE_INFINITY): HashingStream {
  const sha256 = createHash("sha256");
  const md5 = createHash("md5");
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) {
        callback(tooLarge(maxBytes));
        return;
      }
      sha256.update(chunk);
      md5.update(chunk);
      callback(null, chunk);
    },
  });
  let result: StreamDigest | undefined;
  return {
    stream,
    digest() {
      result ??= { size, sha256: sha256.digest("hex"), md5: md5.digest("hex") };
      return result;
    },
  };
}
