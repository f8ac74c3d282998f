/** A fake worker: what a RunPod handler does with `input`. */
import type { FileOrigin } from "../file-origin.ts";
import type { ResolvedEndpoint } from "../options.ts";

export interface WorkerContext {
  endpoint: ResolvedEndpoint;
  files: FileOrigin;
  /** A generator handler's `yield`: one `/stream` chunk. */
  emit(output: unknown): void;
  /** Aborted when the job ends while the handler runs (cancel, timeout, ttl). */
  signal: AbortSignal;
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
