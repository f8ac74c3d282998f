/** A fake worker: what a RunPod handler does with `input`. */
import type { FileOrigin } from "../file-origin.ts";
import type { ResolvedEndpoint } from "../options.ts";

export interface WorkerContext {
  endpoint: ResolvedEndpoint;
  files: FileOrigin;
}

/**
 * `output` is what the handler returned; `error` is set when it returned `{error}` or raised
 * (the job then ends FAILED, reference A.8).
 */
export interface WorkerResult {
  output?: unknown;
  error?: string;
}

export type FakeWorker = (input: unknown, ctx: WorkerContext) => Promise<WorkerResult>;
