/** Where and what to POST to create a prediction for a model reference. */
import { loraNameOf } from "../core/lora.ts";
import { parseModelRef } from "../core/model-ref.ts";

export interface CreateRequest {
  path: string;
  body: { version?: string; input: Record<string, unknown> };
}

/**
 * `owner/name` uses the model's endpoint; `owner/name:version`, bare version ids and `lora:<name>`
 * use /v1/predictions.
 */
export function createRequestFor(ref: string, input: Record<string, unknown>): CreateRequest {
  if (loraNameOf(ref) !== undefined) return { path: "/v1/predictions", body: { version: ref, input } };
  const parsed = parseModelRef(ref, "--model");
  if (parsed.kind === "model") {
    const path = `/v1/models/${encodeURIComponent(parsed.owner)}/${encodeURIComponent(parsed.name)}/predictions`;
    return { path, body: { input } };
  }
  return { path: "/v1/predictions", body: { version: ref, input } };
}
