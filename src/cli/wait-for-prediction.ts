/** Polls a prediction until it finishes; Ctrl-C cancels it on the server. */
import { setTimeout as sleep } from "node:timers/promises";
import { type ApiClient, answer } from "./api-client.ts";
import { CliError } from "./cli-error.ts";
import { isFinished, type PredictionJson } from "./prediction-json.ts";
import { createProgress } from "./progress.ts";

const POLL_MS = 500;
const EXIT_INTERRUPTED = 130;

export async function waitForPrediction(client: ApiClient, created: PredictionJson): Promise<PredictionJson> {
  const params = { path: { id: created.id } };
  const interrupted = new AbortController();
  const onSigint = () => interrupted.abort();
  process.once("SIGINT", onSigint);
  const progress = createProgress(created.id);
  try {
    let prediction = created;
    while (!isFinished(prediction)) {
      progress.update(prediction.status);
      if (!(await sleep(POLL_MS, true, { signal: interrupted.signal }).catch(() => false))) {
        progress.stop();
        const canceled = await answer(client.api.POST("/v1/predictions/{id}/cancel", { params }));
        throw new CliError(`interrupted; prediction ${created.id} is ${canceled.status}`, EXIT_INTERRUPTED);
      }
      prediction = await answer(client.api.GET("/v1/predictions/{id}", { params }));
    }
    return prediction;
  } finally {
    progress.stop();
    process.off("SIGINT", onSigint);
  }
}
