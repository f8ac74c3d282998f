/**
 * A Replicate training (from a poll or a webhook) as the engine's StatusResult. A training's JSON
 * has a prediction's shape (reference/replicate.md §2.3); when it succeeds its output is
 * `{ version: "<owner>/<name>:<version id>", weights: "<delivery URL of a .tar>" }`.
 */
import type { OutputFile, StatusResult } from "../provider.ts";
import { isFileUrl, remoteOutput } from "./output-file.ts";
import type { UpstreamPrediction } from "./schemas.ts";
import { type StatusContext, toStatus } from "./status.ts";

/** Trainings take minutes: polls start slower and spread out further than predictions'. */
const FIRST_POLL_MS = 2_000;
const MAX_POLL_MS = 30_000;

const TRAINED_VERSION = /^[^/:\s]+\/[^/:\s]+:[A-Za-z0-9]+$/;

export type TrainingContext = Omit<StatusContext, "textOutput">;

export interface TrainedOutput {
  version: string;
  weights: OutputFile;
}

export function trainingPollMs(ageMs: number, context: Pick<TrainingContext, "webhooked" | "webhookPollMs">) {
  if (context.webhooked) return context.webhookPollMs;
  return Math.min(MAX_POLL_MS, Math.max(FIRST_POLL_MS, Math.round(ageMs / 10)));
}

/** The output of a succeeded training, or null when it is not one. */
export function trainedOutput(output: unknown): TrainedOutput | null {
  if (typeof output !== "object" || output === null) return null;
  const { version, weights } = output as Record<string, unknown>;
  if (typeof version !== "string" || !TRAINED_VERSION.test(version)) return null;
  if (typeof weights !== "string" || !isFileUrl(weights)) return null;
  return { version, weights: remoteOutput(weights) };
}

export function trainingStatus(
  training: UpstreamPrediction,
  context: TrainingContext,
  now = Date.now(),
): StatusResult {
  const { output: _mapped, ...result } = toStatus(training, { ...context, textOutput: false }, now);
  if (result.state === "starting" || result.state === "processing") {
    result.nextPollMs = trainingPollMs(now - context.createdAt, context);
  }
  if (result.state === "failed" && training.status === "failed" && (training.error ?? "") === "") {
    result.error = "training failed on Replicate";
  }
  if (result.state !== "succeeded") return result;
  const output = trainedOutput(training.output);
  if (!output) {
    return {
      ...result,
      state: "failed",
      error: "Replicate's training succeeded without a version and weights",
    };
  }
  return { ...result, output };
}
