import type { ResolvedEndpoint } from "../options.ts";
import { workerCrashError } from "../worker-crash.ts";
import { WORKERS } from "./all-workers.ts";
import type { WorkerContext, WorkerResult } from "./worker.ts";

/** Runs the endpoint's handler; `crash` (a fault) or a throw ends it as the worker SDK reports a raise. */
export async function runWorker(
  endpoint: ResolvedEndpoint,
  input: unknown,
  ctx: WorkerContext,
  workerId: string,
  crash: string | undefined,
): Promise<WorkerResult> {
  if (crash !== undefined) return { error: workerCrashError(crash, workerId) };
  try {
    return await WORKERS[endpoint.worker](input, ctx);
  } catch (error) {
    return { error: workerCrashError(String(error), workerId) };
  }
}
