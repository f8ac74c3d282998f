/**
 * OpenAI's `quality` as a number of denoising steps: a share of the model's default, within the
 * range its schema allows. `auto`, `standard` and `medium` keep the default.
 */
import type { JsonSchema } from "../../providers/provider.ts";
import type { Quality } from "./image-request.ts";

const STEP_FACTORS: Partial<Record<Quality, number>> = { low: 0.5, high: 1.5, hd: 1.5, xhigh: 2, max: 2 };

/** Whether `quality` asks for other than the model's default. */
export function changesSteps(quality: Quality): boolean {
  return quality in STEP_FACTORS;
}

/** The steps for `quality` given the schema of the model's steps; undefined when that changes nothing. */
export function stepsFor(quality: Quality, steps: JsonSchema): number | undefined {
  const factor = STEP_FACTORS[quality];
  const { default: base, minimum, maximum } = steps;
  if (factor === undefined || typeof base !== "number") return undefined;
  const wanted = Math.round(base * factor);
  const low = typeof minimum === "number" ? minimum : 1;
  const high = typeof maximum === "number" ? maximum : Number.POSITIVE_INFINITY;
  const chosen = Math.min(high, Math.max(low, wanted));
  return chosen === base ? undefined : chosen;
}
