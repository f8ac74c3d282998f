/**
 * A tool worker thread of the local provider's pool: runs the jobs it is sent one at a time and
 * keeps each model from its first use on.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Esrgan } from "./esrgan.ts";
import { Isnet } from "./isnet.ts";
import type { ToolJob, ToolResult } from "./job.ts";
import type { ModelFiles } from "./model-files.ts";
import { removeBackground } from "./remove-background.ts";
import { lowerThreadPriority } from "./thread-priority.ts";
import { upscale } from "./upscale.ts";
import type { StopFlag, WorkerReply, WorkerRequest } from "./worker-pool.ts";

export interface ToolWorkerData {
  files: ModelFiles;
  /** The cores one ISNet inference may use. */
  threads: number;
  stop: StopFlag;
}

lowerThreadPriority();
const { files, threads, stop } = workerData as ToolWorkerData;
const stopping = () => Atomics.load(stop, 0) === 1;
const isnet = new Isnet(files.isnet, threads);
/** Made on the first upscale: it starts the WASM backend. */
let esrgan: Esrgan | undefined;

function run(job: ToolJob): Promise<ToolResult> {
  if (job.tool === "remove-background") return removeBackground(job, isnet);
  esrgan ??= new Esrgan(files.wasmDir);
  return upscale(job, files, esrgan, stopping);
}

parentPort?.on("message", async ({ id, job }: WorkerRequest<ToolJob>) => {
  const reply: WorkerReply<ToolResult> = await run(job).then(
    (result) => ({ id, ok: true, result }),
    (error: unknown) => ({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
  parentPort?.postMessage(reply);
});
