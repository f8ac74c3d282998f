/** The parts of Replicate's prediction object (reference/replicate.md §3) the CLI reads. */
export interface PredictionJson {
  id: string;
  model: string;
  status: string;
  output: unknown;
  error: string | null;
  created_at: string;
}

export interface PageJson<T> {
  next: string | null;
  results: T[];
}

const TERMINAL = new Set(["succeeded", "failed", "canceled", "aborted"]);

export function isFinished(prediction: Pick<PredictionJson, "status">): boolean {
  return TERMINAL.has(prediction.status);
}
