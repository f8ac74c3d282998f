/**
 * ESRGAN super-resolution with UpscalerJS's RDN models (tfjs layers format, pixels 0-255 in and
 * out) on tfjs's WASM backend, one tile at a time so memory stays bounded. Runs in a worker: the
 * backend and each model are set up once and kept.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { Pixels } from "./job.ts";
import { cropRegion, pasteTile, tilesOf } from "./tiles.ts";

/** What UpscalerJS trained the models on (patch size 128), with enough context to hide seams. */
const TILE = 128;
const MARGIN = 8;

interface ModelJson {
  modelTopology: tf.io.ModelArtifacts["modelTopology"];
  format?: string;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Loads a layers model from its folder on disk (tfjs would otherwise fetch it over HTTP). */
async function loadModel(folder: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(await readFile(join(folder, "model.json"), "utf8")) as ModelJson;
  const shards = await Promise.all(
    json.weightsManifest.flatMap((group) => group.paths.map((path) => readFile(join(folder, path)))),
  );
  const weights = Buffer.concat(shards);
  return tfl.loadLayersModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      ...(json.format !== undefined && { format: json.format }),
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  });
}

export class Esrgan {
  readonly #backend: Promise<void>;
  readonly #models = new Map<string, Promise<tfl.LayersModel>>();

  constructor(wasmDir: string) {
    setWasmPaths(`${wasmDir}/`);
    this.#backend = tf.setBackend("wasm").then((ok) => {
      if (!ok) throw new Error("the tfjs WASM backend did not start");
    });
  }

  #model(folder: string): Promise<tfl.LayersModel> {
    let model = this.#models.get(folder);
    if (!model) {
      model = this.#backend.then(() => loadModel(folder));
      // A failed load is tried again by the next job rather than remembered.
      model.catch(() => this.#models.delete(folder));
      this.#models.set(folder, model);
    }
    return model;
  }

  /** `image` (RGB) `scale` times larger, with the model in `folder`; gives up once `stopping()`. */
  async upscale(image: Pixels, folder: string, scale: number, stopping: () => boolean): Promise<Pixels> {
    const model = await this.#model(folder);
    const width = image.width * scale;
    const out = new Uint8Array(width * image.height * scale * 3);
    for (const tile of tilesOf(image.width, image.height, TILE, MARGIN)) {
      if (stopping()) throw new Error("stopped: gengate is shutting down");
      const region = Float32Array.from(cropRegion(image.data, image.width, 3, tile));
      const result = tf.tidy(() => {
        const input = tf.tensor4d(region, [1, tile.inHeight, tile.inWidth, 3]);
        return model.predict(input) as tf.Tensor;
      });
      const values = await result.data<"float32">();
      result.dispose();
      // Clamped and rounded: the model overshoots 0-255 slightly at strong edges.
      pasteTile(out, width, Uint8ClampedArray.from(values), tile, scale, 3);
    }
    return { data: out, width, height: image.height * scale, channels: 3 };
  }
}
