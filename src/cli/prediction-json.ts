import type { components } from "../api-client/openapi-types.ts";

/** A prediction as the API describes it (Replicate's shape with gengate's extension). */
export type PredictionJson = components["schemas"]["Prediction"];

const TERMINAL = new Set(["succeeded", "failed", "canceled", "aborted"]);

export function isFinished(prediction: { status: string }): boolean {
  return TERMINAL.has(prediction.status);
}
