/** What happens while a model version runs: image files or a stream of tokens. */
import sharp from "sharp";
import type { DeliveryStore } from "./delivery.ts";
import { IMAGE_CONTENT_TYPES, imageInputOf, imageJob } from "./image-job.ts";
import { type InputSources, readInputImage } from "./input-image.ts";
import type { Lifecycle } from "./lifecycle.ts";
import type { PredictionRecord } from "./prediction-store.ts";
import { renderImage } from "./render-image.ts";
import { textTokens } from "./text-tokens.ts";

export interface RunDeps {
  lifecycle: Lifecycle;
  delivery: DeliveryStore;
  inputs: InputSources;
  /** Model run time for this prediction, in ms. */
  runMs: () => number;
}

/** Why a prediction must fail, when its input asks for it (`fail: true` or a prompt with "FAIL"). */
export function requestedFailure(input: Record<string, unknown>): string | null {
  if (input.fail === true) return "The model failed as requested by the input (fail: true)";
  if (typeof input.prompt === "string" && input.prompt.includes("FAIL")) {
    return "The model failed as requested by the prompt (it contains FAIL)";
  }
  return null;
}

/** In `ms`: fails the record when its input asks for that, else runs `complete`. */
export function finishLater(
  lifecycle: Lifecycle,
  record: PredictionRecord,
  ms: number,
  complete: () => unknown,
): void {
  const failure = requestedFailure(record.input);
  lifecycle.later(record, ms, () => (failure === null ? complete() : failRun(lifecycle, record, failure)));
}

/** The run fails the way a Cog model's does: the error at the end of the logs. */
export function failRun(lifecycle: Lifecycle, record: PredictionRecord, failure: string): void {
  lifecycle.appendLogs(record, `RuntimeError: ${failure}`);
  lifecycle.fail(record, failure);
}

/**
 * `input` has the schema's defaults filled in. `listOutput`: the model answers a list of files
 * (most do), or one file (its Output schema is a single URI).
 */
export async function runImages(
  record: PredictionRecord,
  behaviour: "flux" | "sdxl",
  input: Record<string, unknown>,
  listOutput: boolean,
  deps: RunDeps,
): Promise<void> {
  const { lifecycle } = deps;
  const imageUrl = imageInputOf(input);
  const base = imageUrl === null ? null : await readInputImage(imageUrl, deps.inputs);
  const job = imageJob(behaviour, input, base === null ? null : await sharp(base).metadata());
  const runMs = deps.runMs();
  lifecycle.appendLogs(record, `Using seed: ${job.seed}`);
  lifecycle.later(record, runMs / 2, () =>
    lifecycle.appendLogs(record, ` 50%|█████     | ${job.count}/${job.count * 2} [running]`),
  );
  finishLater(lifecycle, record, runMs, async () => {
    const urls: string[] = [];
    for (let index = 0; index < job.count; index++) {
      const bytes = await renderImage(job, index, base);
      urls.push(deps.delivery.put(`out-${index}.${job.format}`, bytes, IMAGE_CONTENT_TYPES[job.format]));
    }
    lifecycle.complete(record, listOutput ? urls : urls[0], { image_count: job.count });
  });
}

export function runText(record: PredictionRecord, input: Record<string, unknown>, deps: RunDeps): void {
  const { lifecycle } = deps;
  // Replicate's language models name their limit max_tokens or max_new_tokens.
  const tokens = textTokens(String(input.prompt), Number(input.max_tokens ?? input.max_new_tokens));
  const runMs = deps.runMs();
  const perToken = runMs / tokens.length;
  record.output = [];
  lifecycle.appendLogs(record, `Generating up to ${tokens.length} tokens`);
  tokens.forEach((token, index) => {
    lifecycle.later(record, perToken * (index + 1), () => lifecycle.appendToken(record, token));
  });
  finishLater(lifecycle, record, runMs, () =>
    lifecycle.complete(record, record.output, {
      input_token_count: String(input.prompt).split(/\s+/).length,
      output_token_count: tokens.length,
    }),
  );
}
