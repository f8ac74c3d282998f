/** A prediction run to its end through the HTTP API, however long it takes. */
import { BENCH_TOKEN, createPrediction } from "./gateway-process.ts";

export interface EndedPrediction {
  id: string;
  status: string;
  error: string | null;
  metrics: { predict_time?: number };
}

const ENDED = new Set(["succeeded", "failed", "canceled"]);

/** Creates a prediction and waits for its end (Prefer: wait, then polling). */
export async function predictUntilEnded(
  url: string,
  model: string,
  input: Record<string, unknown>,
): Promise<EndedPrediction> {
  let prediction = (await createPrediction(url, model, input, true)) as EndedPrediction;
  while (!ENDED.has(prediction.status)) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const response = await fetch(`${url}/v1/predictions/${prediction.id}`, {
      headers: { authorization: `Bearer ${BENCH_TOKEN}` },
    });
    prediction = (await response.json()) as EndedPrediction;
  }
  return prediction;
}
