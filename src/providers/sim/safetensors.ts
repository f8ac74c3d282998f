/**
 * A trained LoRA's weights as a real (tiny) safetensors file: an 8-byte little-endian header size,
 * the JSON header padded to 8 bytes, then the tensors' bytes.
 */
import { SeededRandom } from "./prng.ts";

/** One F32 tensor of `rank` × 4 values, deterministic from `seed`; `metadata` goes in `__metadata__`. */
export function loraSafetensors(metadata: Record<string, string>, rank: number, seed: string): Buffer {
  const random = new SeededRandom("sim-lora-weights", seed);
  const rows = Math.max(1, Math.min(rank, 128));
  const tensor = Buffer.alloc(rows * 4 * 4);
  for (let i = 0; i < rows * 4; i++) tensor.writeFloatLE((random.next() - 0.5) / 10, i * 4);
  const json = JSON.stringify({
    __metadata__: metadata,
    "lora_unet_single_blocks_0_linear1.lora_down.weight": {
      dtype: "F32",
      shape: [rows, 4],
      data_offsets: [0, tensor.length],
    },
  });
  const header = Buffer.from(json.padEnd(Math.ceil(json.length / 8) * 8, " "));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([size, header, tensor]);
}
