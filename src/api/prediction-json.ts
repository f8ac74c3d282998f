/** A prediction as the API answers it: Replicate's shape, plus its cost when the prices tell it. */
import type { Pricing } from "../catalog/pricing.ts";
import type { Links } from "../core/links.ts";
import type { Prediction } from "../core/prediction.ts";
import { type ReplicatePrediction, toReplicateJson } from "../core/replicate-json.ts";

/** Renders predictions for clients that reach gengate and its files at `links`. */
export function predictionRenderer(pricing: Pricing) {
  return (links: Links) =>
    (prediction: Prediction): ReplicatePrediction => {
      const json = toReplicateJson(prediction, links);
      const cost = pricing.costOf(prediction);
      if (cost !== undefined) json.gengate = { ...json.gengate, cost_usd: cost };
      return json;
    };
}
