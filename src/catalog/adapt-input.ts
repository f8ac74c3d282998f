/**
 * Turns a request in gengate's normalised parameters into one target's input: checks the target
 * can serve it, converts the size form, renames parameters. Every change is reported as a warning;
 * what cannot be adapted is a reason to move to another target.
 */
import type { RouteTarget } from "../core/route.ts";
import { nearestAspectRatio, sizeForAspectRatio, snap } from "./size-forms.ts";

export type Adapted =
  | { ok: true; input: Record<string, unknown>; warnings: string[] }
  | { ok: false; reason: string };

const present = (input: Record<string, unknown>, key: string) =>
  input[key] !== undefined && input[key] !== null;

/** Why the target cannot serve this request at all, or undefined when it can. */
function missingCapability(target: RouteTarget, input: Record<string, unknown>): string | undefined {
  const caps = target.capabilities;
  if (present(input, "reference_image") && !caps.referenceImage) return "capability missing: reference image";
  if (present(input, "mask") && !caps.mask) return "capability missing: mask";
  if (present(input, "loras") && !caps.loras) return "capability missing: LoRA";
  const outputs = input.num_outputs;
  if (typeof outputs === "number" && caps.maxOutputs !== undefined && outputs > caps.maxOutputs)
    return `capability missing: ${outputs} outputs (at most ${caps.maxOutputs})`;
  const format = input.output_format;
  if (typeof format === "string" && caps.formats && !caps.formats.includes(format))
    return `capability missing: output format ${format} (takes ${caps.formats.join(", ")})`;
  return undefined;
}

function adaptSize(target: RouteTarget, input: Record<string, unknown>, warnings: string[]): void {
  const { sizeForm, aspectRatios, sizeMultipleOf } = target.capabilities;
  const { width, height, aspect_ratio: ratio } = input;
  const hasSize = typeof width === "number" && typeof height === "number";
  if (sizeForm === "aspect_ratio" && hasSize && ratio === undefined) {
    const chosen = nearestAspectRatio(width, height, aspectRatios ?? []);
    delete input.width;
    delete input.height;
    input.aspect_ratio = chosen;
    warnings.push(
      `size ${width}x${height} sent as aspect_ratio ${chosen}: ${target.model} takes an aspect ratio`,
    );
  } else if (sizeForm === "width_height" && typeof ratio === "string" && !hasSize) {
    const size = sizeForAspectRatio(ratio, sizeMultipleOf ?? 8);
    delete input.aspect_ratio;
    Object.assign(input, size);
    warnings.push(
      `aspect_ratio ${ratio} sent as size ${size.width}x${size.height}: ${target.model} takes width and height`,
    );
  } else if (hasSize && sizeMultipleOf !== undefined) {
    const snapped = { width: snap(width, sizeMultipleOf), height: snap(height, sizeMultipleOf) };
    if (snapped.width !== width || snapped.height !== height) {
      Object.assign(input, snapped);
      warnings.push(
        `size ${width}x${height} snapped to ${snapped.width}x${snapped.height}, multiples of ${sizeMultipleOf}`,
      );
    }
  }
}

export function adaptInput(target: RouteTarget, request: Record<string, unknown>): Adapted {
  const missing = missingCapability(target, request);
  if (missing) return { ok: false, reason: missing };
  const warnings: string[] = [];
  const normalised = structuredClone(request);
  adaptSize(target, normalised, warnings);
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(normalised)) {
    const name = key in target.params ? target.params[key] : key;
    if (name !== null && name !== undefined) {
      input[name] = value;
      continue;
    }
    if (target.onUnsupported === "fallback")
      return { ok: false, reason: `unsupported parameter: ${target.model} does not take ${key}` };
    warnings.push(`${key} dropped: ${target.model} does not take it`);
  }
  return { ok: true, input: { ...input, ...target.input }, warnings };
}
