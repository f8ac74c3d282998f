/** A local job's state as a provider status, its files as outputs the engine copies. */
import { outputFile, type StatusResult } from "../provider.ts";
import type { EncodedFile, Tool, ToolResult } from "./job.ts";
import type { JobState } from "./local-jobs.ts";
import type { LocalOperation } from "./operation.ts";

/** Jobs end within seconds to a minute; polling this often adds little to their time. */
export const POLL_MS = 500;

const fileOf = (file: EncodedFile) => outputFile(file.contentType, file.extension, async () => file.data);

function outputOf(tool: Tool, result: ToolResult): unknown {
  const { image, mask } = result.files;
  if (tool === "upscale") return fileOf(image);
  return { image: fileOf(image), ...(mask && { mask: fileOf(mask) }) };
}

/**
 * A job of an operation stored before operations said what the job was asked: no other process
 * can run it again, nor tell whether the one that started it still runs it.
 */
export function lostStatus(operation: LocalOperation): StatusResult {
  const { pid, host } = operation.owner;
  return {
    state: "failed",
    error: `local job ${operation.jobId} is lost: it was started by an earlier gengate (process ${pid} on ${host}), which kept it in its own memory only; create the prediction again (it costs nothing)`,
  };
}

export function statusOf(operation: LocalOperation, state: JobState): StatusResult {
  switch (state.phase) {
    case "queued":
      return { state: "starting", nextPollMs: POLL_MS };
    case "running":
      return { state: "processing", nextPollMs: POLL_MS };
    case "succeeded":
      return {
        state: "succeeded",
        output: outputOf(operation.tool, state.result),
        logs: state.result.logs,
        metrics: { predict_time: state.seconds },
      };
    case "failed":
      return { state: "failed", error: `local/${operation.tool} failed: ${state.error}` };
    case "canceled":
      return { state: "canceled" };
  }
}
