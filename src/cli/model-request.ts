/** Creates a prediction for a model reference, at the endpoint that reference calls for. */
import { loraNameOf } from "../core/lora.ts";
import { parseModelRef } from "../core/model-ref.ts";
import { type ApiClient, answer } from "./api-client.ts";
import type { PredictionJson } from "./prediction-json.ts";

/**
 * `owner/name` uses the model's endpoint; `owner/name:version`, bare version ids and `lora:<name>`
 * use /v1/predictions.
 */
export function createPrediction(
  client: ApiClient,
  ref: string,
  input: Record<string, unknown>,
): Promise<PredictionJson> {
  const parsed = loraNameOf(ref) === undefined ? parseModelRef(ref, "--model") : undefined;
  if (parsed?.kind === "model") {
    const path = { owner: parsed.owner, name: parsed.name };
    return answer(
      client.api.POST("/v1/models/{owner}/{name}/predictions", { params: { path }, body: { input } }),
    );
  }
  return answer(client.api.POST("/v1/predictions", { body: { version: ref, input } }));
}
