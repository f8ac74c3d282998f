/** A Replicate prediction (from a poll or a webhook) as the engine's StatusResult. */
import type { StatusResult, UpstreamState } from "../provider.ts";
import { isFileUrl, remoteOutput } from "./output-file.ts";
import type { UpstreamPrediction } from "./schemas.ts";

const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 5_000;

export interface StatusContext {
  /** The model streams text: its output is tokens, never files. */
  textOutput: boolean;
  webhooked: boolean;
  createdAt: number;
  /** How long to wait for a webhook before polling (a safety net). */
  webhookPollMs: number;
}

const STATES: Record<UpstreamPrediction["status"], UpstreamState> = {
  starting: "starting",
  processing: "processing",
  succeeded: "succeeded",
  failed: "failed",
  canceled: "canceled",
  aborted: "canceled",
};

/**
 * Polls are the main use of the request budget: often at first (fast models finish in seconds),
 * then less; with webhooks they are only a safety net.
 */
export function nextPollMs(
  ageMs: number,
  context: Pick<StatusContext, "webhooked" | "webhookPollMs">,
): number {
  if (context.webhooked) return context.webhookPollMs;
  return Math.min(MAX_POLL_MS, Math.max(FIRST_POLL_MS, Math.round(ageMs / 10)));
}

const isAllText = (items: unknown[]) =>
  items.every((item) => typeof item === "string") && items.some((item) => !isFileUrl(item as string));

/** Replaces file URLs in an output with OutputFiles; token lists and other text stay as they are. */
export function mapOutput(output: unknown, textOutput: boolean): unknown {
  if (textOutput) return output;
  if (typeof output === "string") return isFileUrl(output) ? remoteOutput(output) : output;
  if (Array.isArray(output)) return isAllText(output) ? output : output.map((item) => mapOutput(item, false));
  if (typeof output === "object" && output !== null) {
    return Object.fromEntries(Object.entries(output).map(([key, value]) => [key, mapOutput(value, false)]));
  }
  return output;
}

export function toStatus(
  prediction: UpstreamPrediction,
  context: StatusContext,
  now = Date.now(),
): StatusResult {
  const state = STATES[prediction.status];
  if (state === "succeeded" && prediction.data_removed === true) {
    return { state: "failed", error: "output expired before it could be stored" };
  }
  const common = {
    ...(prediction.output !== undefined &&
      prediction.output !== null && { output: mapOutput(prediction.output, context.textOutput) }),
    ...(typeof prediction.logs === "string" && { logs: prediction.logs }),
  };
  const { predict_time, input_token_count, output_token_count } = prediction.metrics ?? {};
  const reported = Object.entries({ predict_time, input_token_count, output_token_count }).filter(
    ([, value]) => value !== undefined,
  );
  const metrics = reported.length > 0 ? { metrics: Object.fromEntries(reported) } : {};
  switch (state) {
    case "starting":
    case "processing":
      return { state, ...common, nextPollMs: nextPollMs(now - context.createdAt, context) };
    case "succeeded":
      return { state, output: null, ...common, ...metrics };
    case "failed":
      return { state, ...common, ...metrics, error: errorText(prediction.error) };
    case "canceled":
      return {
        state,
        ...common,
        ...(prediction.status === "aborted" && { error: "deadline passed before start" }),
      };
  }
}

function errorText(error: unknown): string {
  if (typeof error === "string" && error !== "") return error;
  if (error === null || error === undefined) return "prediction failed on Replicate";
  return JSON.stringify(error);
}
