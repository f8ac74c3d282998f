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
  const status = toStatus(training, { ...context, textOutput: false }, now);
  const { logs } = status;
  const common = { ...(logs !== undefined && { logs }) };
  switch (status.state) {
    case "starting":
    case "processing":
      return { state: status.state, ...common, nextPollMs: trainingPollMs(now - context.createdAt, context) };
    case "failed":
      return {
        ...status,
        output: undefined,
        ...(training.status === "failed" &&
          (training.error ?? "") === "" && { error: "training failed on Replicate" }),
      };
    case "canceled":
      return { ...status, output: undefined };
    case "succeeded": {
      const output = trainedOutput(training.output);
      const metrics = status.metrics && { metrics: status.metrics };
      if (!output)
        return {
          state: "failed",
          ...common,
          ...metrics,
          error: "Replicate's training succeeded without a version and weights",
        };
      return { state: "succeeded", ...common, ...metrics, output };
    }
  }
}
