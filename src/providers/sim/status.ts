/** A sim operation's state at a given time, derived from the clock and the operation alone. */
import { outputFile, type ProviderContext, type StatusResult } from "../provider.ts";
import { simEmbedding } from "./embeddings.ts";
import { IMAGE_CONTENT_TYPES, renderImage } from "./image-render.ts";
import type { EmbeddingOperation, ImageOperation, TextOperation } from "./operation.ts";
import { simTokens } from "./text-tokens.ts";
import { finishedAt, tokenAt, tokensAvailable } from "./timeline.ts";

const IMAGE_STEPS = 20;

/** A prediction's state (trainings: training-status.ts). */
export function simStatus(
  operation: ImageOperation | TextOperation | EmbeddingOperation,
  now: number,
  ctx: ProviderContext,
): StatusResult {
  const done = now >= finishedAt(operation);
  const logs = `Using seed: ${operation.seed}\n${operation.kind === "image" ? imageProgress(operation, now) : ""}`;
  if (done && operation.failure !== null) {
    // Like Replicate, a failed run reports the time it used.
    return { state: "failed", error: operation.failure, logs, metrics: predictTime(operation) };
  }
  if (operation.kind === "embedding") return embeddingStatus(operation, now, done, logs);
  return operation.kind === "image"
    ? imageStatus(operation, now, done, logs, ctx)
    : textStatus(operation, now, done, logs);
}

function embeddingStatus(
  operation: EmbeddingOperation,
  now: number,
  done: boolean,
  logs: string,
): StatusResult {
  if (!done) return { state: "processing", logs, nextPollMs: remaining(finishedAt(operation), now) };
  const output = operation.texts.map((text) => ({ embedding: simEmbedding(text, operation.dimensions) }));
  return { state: "succeeded", output, logs, metrics: predictTime(operation) };
}

function imageStatus(
  operation: ImageOperation,
  now: number,
  done: boolean,
  logs: string,
  ctx: ProviderContext,
): StatusResult {
  if (!done) return { state: "processing", logs, nextPollMs: remaining(nextProgressAt(operation, now), now) };
  const { format, numOutputs } = operation;
  const output = Array.from({ length: numOutputs }, (_, index) =>
    outputFile(IMAGE_CONTENT_TYPES[format], format, () => renderImage(operation, index, ctx.readInput)),
  );
  return { state: "succeeded", output, logs, metrics: predictTime(operation) };
}

function textStatus(operation: TextOperation, now: number, done: boolean, logs: string): StatusResult {
  const available = tokensAvailable(operation, now);
  const tokens = simTokens(operation.prompt, operation.seed, operation.maxTokens).slice(0, available);
  if (done) {
    return {
      state: "succeeded",
      output: tokens,
      logs: `${logs}Generated ${tokens.length} tokens\n`,
      metrics: predictTime(operation),
    };
  }
  const nextPollMs = remaining(tokenAt(operation, available), now);
  return available === 0
    ? { state: "processing", logs, nextPollMs }
    : { state: "processing", output: tokens, logs, nextPollMs };
}

/** How far the simulated denoising is at `now`, from 0 to 1. */
function progressAt(operation: ImageOperation, now: number): number {
  const fraction = operation.latencyMs === 0 ? 1 : (now - operation.startedAt) / operation.latencyMs;
  return Math.min(1, Math.max(0, fraction));
}

/** When the next progress line is due (the end, after the last quarter). */
function nextProgressAt(operation: ImageOperation, now: number): number {
  const quarter = Math.floor(progressAt(operation, now) * 4) + 1;
  return Math.min(finishedAt(operation), operation.startedAt + (operation.latencyMs * quarter) / 4);
}

/** `mm:ss`, as tqdm shows times. */
function clock(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * tqdm's progress bar, as Cog models print it and the official clients read it
 * (`parseProgressFromLogs`): ` 25%|██▌       | 5/20 [00:00<00:01, 12.50it/s]`.
 */
function progressLine(step: number, stepMs: number): string {
  const percent = Math.round((100 * step) / IMAGE_STEPS);
  const filled = Math.round(percent / 10);
  const bar = `${"█".repeat(filled)}${" ".repeat(10 - filled)}`;
  const elapsed = clock(step * stepMs);
  const timing =
    step === 0
      ? `${elapsed}<?, ?it/s`
      : `${elapsed}<${clock((IMAGE_STEPS - step) * stepMs)}, ${(1000 / Math.max(stepMs, 1)).toFixed(2)}it/s`;
  return `${String(percent).padStart(3)}%|${bar}| ${step}/${IMAGE_STEPS} [${timing}]`;
}

/** The bar at the start, then at each finished quarter of the simulated denoising steps. */
function imageProgress(operation: ImageOperation, now: number): string {
  const steps = Math.floor(progressAt(operation, now) * IMAGE_STEPS);
  const stepMs = operation.latencyMs / IMAGE_STEPS;
  let lines = `${progressLine(0, stepMs)}\n`;
  for (let step = IMAGE_STEPS / 4; step <= steps; step += IMAGE_STEPS / 4)
    lines += `${progressLine(step, stepMs)}\n`;
  return lines;
}

function predictTime(operation: ImageOperation | TextOperation | EmbeddingOperation): {
  predict_time: number;
} {
  return { predict_time: (finishedAt(operation) - operation.startedAt) / 1000 };
}

function remaining(at: number, now: number): number {
  return Math.max(1, Math.ceil(at - now));
}
