/**
 * A trained version's weights: a real (tiny) `trained_model.tar` holding
 * `output/flux_train_replicate/lora.safetensors`, like ostris/flux-dev-lora-trainer's.
 */

const BLOCK = 512;

/** A safetensors file with one small F32 tensor and the training settings as metadata. */
function safetensors(metadata: Record<string, string>): Buffer {
  const tensor = Buffer.alloc(16);
  const header = Buffer.from(
    JSON.stringify({
      __metadata__: metadata,
      "lora.weight": { dtype: "F32", shape: [1, 4], data_offsets: [0, tensor.length] },
    }),
  );
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([length, header, tensor]);
}

function tarHeader(name: string, size: number, mtime: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  const field = (offset: number, length: number, value: string) =>
    header.write(value, offset, length, "ascii");
  const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, "0")}\0`;
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(size, 12));
  field(136, 12, octal(Math.floor(mtime / 1000), 12));
  field(148, 8, " ".repeat(8));
  field(156, 1, "0");
  field(257, 8, "ustar\u000000");
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(148, 8, `${checksum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

export function weightsArchive(metadata: Record<string, string>): Buffer {
  const content = safetensors(metadata);
  const padding = Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK);
  return Buffer.concat([
    tarHeader("output/flux_train_replicate/lora.safetensors", content.length, Date.now()),
    content,
    padding,
    Buffer.alloc(BLOCK * 2),
  ]);
}
