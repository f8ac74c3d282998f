/**
 * A RunPod job as gengate's StatusResult. FAILED jobs are retried with `/retry` (same id) up to
 * the operation's maxRetries, after its retryDelayMs, while the prediction stays processing. A job
 * RunPod no longer has (404) fails: gengate never succeeds without outputs. An image job's output
 * is its files; a text job's is its tokens, with the token counts in the metrics.
 */
import type { StatusMetrics, StatusResult } from "../provider.ts";
import { outputFiles } from "./job-outputs.ts";
import type { RunpodJob } from "./job-schema.ts";
import type { ImageOperation, JobOperation } from "./operation.ts";
import type { RetryTracker } from "./retry-tracker.ts";
import type { RunpodClient } from "./runpod-client.ts";
import { type TextOutput, textOutput } from "./vllm-output.ts";
import { workerError } from "./worker-error.ts";

const MIN_POLL_MS = 500;
const MAX_POLL_MS = 5_000;

export interface StatusDeps {
  client: RunpodClient;
  retries: RetryTracker;
  signal?: AbortSignal | undefined;
}

function expiredMessage(op: JobOperation): string {
  return `RunPod job ${op.jobId} is gone: its result expired before gengate collected it (RunPod keeps results 30 minutes and drops jobs whose ttl ran out)`;
}

/** Polls back off as the job ages; with a webhook registered they are only a fallback. */
function nextPollMs(op: JobOperation, now: number): number {
  if (op.webhook) return MAX_POLL_MS;
  return Math.round(Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, (now - op.submittedAt) / 4)));
}

export async function runpodStatus(op: JobOperation, deps: StatusDeps): Promise<StatusResult> {
  const now = Date.now();
  const job = await deps.client.status(op.endpointId, op.jobId, deps.signal);
  if (!job) {
    deps.retries.forget(op.jobId);
    return { state: "failed", error: expiredMessage(op) };
  }
  const logs = jobLogs(op, job, deps.retries.retried(op.jobId, job.retries));
  switch (job.status) {
    case "IN_QUEUE":
      return { state: "starting", logs, nextPollMs: nextPollMs(op, now) };
    case "IN_PROGRESS":
    case "RUNNING":
      return { state: "processing", logs, nextPollMs: nextPollMs(op, now) };
    case "COMPLETED":
      deps.retries.forget(op.jobId);
      return op.kind === "text" ? completedText(job, logs) : completedImages(op, job, logs);
    case "FAILED":
      return failed(op, job, logs, deps, now);
    case "CANCELLED":
      deps.retries.forget(op.jobId);
      return { state: "canceled", logs };
    case "TIMED_OUT":
      deps.retries.forget(op.jobId);
      return { state: "failed", logs, error: `RunPod job ${op.jobId} timed out` };
  }
}

const shownOutput = (job: RunpodJob) => JSON.stringify(job.output ?? null).slice(0, 500);

/** RunPod's execution time and, for text, the token counts; undefined when there are none. */
function metricsOf(job: RunpodJob, text?: TextOutput): StatusMetrics | undefined {
  const metrics = {
    ...(job.executionTime !== undefined && { predict_time: job.executionTime / 1000 }),
    ...(text?.usage && { input_token_count: text.usage.input, output_token_count: text.usage.output }),
  };
  return Object.keys(metrics).length > 0 ? metrics : undefined;
}

function completedImages(op: ImageOperation, job: RunpodJob, logs: string): StatusResult {
  const files = outputFiles(job.output, op.format);
  if (files.length === 0)
    return { state: "failed", logs, error: `the worker returned no images: ${shownOutput(job)}` };
  const metrics = metricsOf(job);
  return {
    state: "succeeded",
    output: files,
    logs: `${logs}${workerNotes(job.output)}`,
    ...(metrics && { metrics }),
  };
}

function completedText(job: RunpodJob, logs: string): StatusResult {
  const text = textOutput(job.output);
  if (!text) return { state: "failed", logs, error: `the worker returned no text: ${shownOutput(job)}` };
  const metrics = metricsOf(job, text);
  return { state: "succeeded", output: text.tokens, logs, ...(metrics && { metrics }) };
}

async function failed(
  op: JobOperation,
  job: RunpodJob,
  logs: string,
  deps: StatusDeps,
  now: number,
): Promise<StatusResult> {
  const { message, traceback } = workerError(job.error, deps.client.redact);
  const failure = `${logs}Worker failed: ${message}\n${traceback ?? ""}`;
  const retried = deps.retries.retried(op.jobId, job.retries);
  if (retried >= op.maxRetries) {
    deps.retries.forget(op.jobId);
    return { state: "failed", logs: failure, error: message };
  }
  const wait = deps.retries.failedAt(op.jobId, now) + op.retryDelayMs - now;
  if (wait > 0) return { state: "processing", logs: `${failure}Retrying in ${wait} ms\n`, nextPollMs: wait };
  // false: someone else retried it already, or it is gone; the next poll tells
  if (await deps.client.retry(op.endpointId, op.jobId, deps.signal))
    deps.retries.recordRetry(op.jobId, job.retries);
  return {
    state: "processing",
    logs: `${failure}Retried (${retried + 1}/${op.maxRetries})\n`,
    nextPollMs: 250,
  };
}

function jobLogs(op: JobOperation, job: RunpodJob, retried: number): string {
  const lines = [`RunPod job ${op.jobId} on endpoint ${op.endpointId}: ${job.status}`];
  if (job.delayTime !== undefined || job.executionTime !== undefined) {
    const ran = job.executionTime === undefined ? "" : `, ran ${job.executionTime} ms`;
    lines.push(`queued ${job.delayTime ?? 0} ms${ran}${job.workerId ? ` on worker ${job.workerId}` : ""}`);
  }
  if (retried > 0) lines.push(`retried ${retried} time${retried === 1 ? "" : "s"} after worker failures`);
  const seed = op.kind === "image" ? (op.seed ?? seedOf(job.output)) : undefined;
  if (seed !== undefined) lines.push(`Using seed: ${seed}`);
  return `${lines.join("\n")}\n`;
}

/** The seed a worker reports: worker-sdxl's `seed`, A1111's `info` JSON. */
function seedOf(output: unknown): number | undefined {
  if (typeof output !== "object" || output === null) return undefined;
  const { seed, info } = output as { seed?: unknown; info?: unknown };
  if (typeof seed === "number") return seed;
  if (typeof info !== "string") return undefined;
  try {
    const parsed = JSON.parse(info) as { seed?: unknown };
    return typeof parsed.seed === "number" ? parsed.seed : undefined;
  } catch {
    return undefined;
  }
}

/** worker-comfyui's non-fatal `errors`. */
function workerNotes(output: unknown): string {
  const errors = (output as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? errors.map((error) => `Worker warning: ${String(error)}\n`).join("") : "";
}
