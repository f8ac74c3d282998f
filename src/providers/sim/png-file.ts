/**
 * A PNG file of raw RGB pixels: the signature, IHDR, one IDAT and IEND, its compression done by
 * Node's zlib. Every row is stored with the Sub filter (each byte less the one a pixel to its
 * left) and compressed by Huffman coding alone: the sim's soft gradients turn into runs of small
 * numbers that this packs within a fifth of zlib's best, at a third of the CPU of an encoder that
 * searches for matches (pngjs at its defaults cost ~0.3 ms of a sim prediction's 2.5; BENCHMARKS.md).
 */
import { constants, crc32, deflateSync } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BIT_DEPTH = 8;
const TRUECOLOR = 2;
const SUB_FILTER = 1;
const CHANNELS = 3;

export function pngFile(rgb: Uint8Array, width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = BIT_DEPTH;
  header[9] = TRUECOLOR;
  const compressed = deflateSync(subFiltered(rgb, width, height), {
    strategy: constants.Z_HUFFMAN_ONLY,
    // zlib's largest symbol buffer: fewer blocks, each with code tables to build (6-9% less CPU).
    memLevel: constants.Z_MAX_MEMLEVEL,
  });
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", compressed),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Each row led by its filter type, then its bytes less the same channel of the pixel before. */
function subFiltered(rgb: Uint8Array, width: number, height: number): Buffer {
  const stride = width * CHANNELS;
  const rows = Buffer.allocUnsafe((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const from = y * stride;
    let to = y * (stride + 1);
    rows[to++] = SUB_FILTER;
    for (let x = 0; x < stride; x++) {
      const left = x < CHANNELS ? 0 : (rgb[from + x - CHANNELS] as number);
      rows[to++] = ((rgb[from + x] as number) - left) & 0xff;
    }
  }
  return rows;
}

/** A chunk: its data's length, its type, the data, and the CRC of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
