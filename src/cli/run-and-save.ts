/** Runs a prediction to its end, then saves its output files where `filesOf` says, or prints its text. */
import type { ApiClient } from "./api-client.ts";
import { CliError } from "./cli-error.ts";
import { createPrediction } from "./model-request.ts";
import { download, outputText, outputUrls } from "./prediction-outputs.ts";
import { waitForPrediction } from "./wait-for-prediction.ts";

export type OutputPaths = (urls: string[], predictionId: string) => { url: string; path: string }[];

export async function runAndSave(
  client: ApiClient,
  model: string,
  input: Record<string, unknown>,
  filesOf: OutputPaths,
): Promise<void> {
  const prediction = await waitForPrediction(client, await createPrediction(client, model, input));
  if (prediction.status !== "succeeded") {
    throw new CliError(
      `prediction ${prediction.id} ${prediction.status}${prediction.error ? `: ${prediction.error}` : ""}`,
    );
  }
  const urls = outputUrls(prediction.output);
  if (urls.length === 0) {
    const text = outputText(prediction.output);
    if (text !== undefined) process.stdout.write(`${text}\n`);
    return;
  }
  for (const { url, path } of filesOf(urls, prediction.id)) {
    await download(client, url, path);
    process.stdout.write(`${path}\n`);
  }
}
