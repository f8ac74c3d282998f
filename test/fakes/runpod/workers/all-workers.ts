import type { WorkerKind } from "../options.ts";
import { a1111Worker } from "./a1111.ts";
import { comfyuiWorker } from "./comfyui.ts";
import { fluxWorker } from "./flux.ts";
import { vllmWorker } from "./vllm.ts";
import type { FakeWorker } from "./worker.ts";

export const WORKERS: Readonly<Record<WorkerKind, FakeWorker>> = {
  a1111: a1111Worker,
  comfyui: comfyuiWorker,
  flux: fluxWorker,
  vllm: vllmWorker,
};
