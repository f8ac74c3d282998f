/**
 * Turns a request in gengate's normalised parameters into one target's input: checks the target
 * can serve it, converts the size form, expands LoRAs, renames parameters, and keeps what the
 * client sent in the target's own names (those win over a renamed parameter). Every change is
 * reported as a warning; what cannot be adapted is a reason to move to another target, and so is
 * a parameter the target's input schema does not list (or, by the alias's rule, it is dropped
 * with a warning).
 */
import { isDeepStrictEqual } from "node:util";
import type { RouteTarget } from "../core/route.ts";
import { preview } from "../core/value-preview.ts";
import type { JsonSchema, ModelCapabilities } from "../providers/provider.ts";
import { loraInput, parseLoras } from "./loras.ts";
import { nearestAspectRatio, sizeForAspectRatio, snap } from "./size-forms.ts";

export type Adapted =
  | { ok: true; input: Record<string, unknown>; warnings: string[] }
  | { ok: false; reason: string };

const present = (input: Record<string, unknown>, key: string) =>
  input[key] !== undefined && input[key] !== null;

/**
 * Whether a target honours OpenAI's `response_format`: as the catalog says, else as its model says
 * (a model that takes OpenAI's tools natively takes its output formats too).
 */
export function takesJsonOutput(
  target: RouteTarget["capabilities"],
  model: ModelCapabilities | undefined,
): boolean {
  return target.jsonOutput ?? (model?.jsonOutput === true || model?.tools === true);
}

/** Why the target (running `model`, when known) cannot serve this request at all, or undefined when it can. */
export function missingCapability(
  target: RouteTarget,
  input: Record<string, unknown>,
  model?: ModelCapabilities,
): string | undefined {
  const caps = target.capabilities;
  if (present(input, "reference_image") && !caps.referenceImage) return "capability missing: reference image";
  if (present(input, "mask") && !caps.mask) return "capability missing: mask";
  if (present(input, "loras") && !caps.loras) return "capability missing: LoRA";
  if (present(input, "response_format") && !takesJsonOutput(caps, model))
    return "capability missing: JSON output";
  if (Array.isArray(input.loras) && input.loras.length > 1)
    return `capability missing: ${input.loras.length} LoRAs (takes one)`;
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

/** The input names a model's schema lists; undefined when it takes any (no list, or more allowed). */
function namesTaken(schema: JsonSchema | undefined): Set<string> | undefined {
  const properties = schema?.properties;
  if (typeof properties !== "object" || properties === null) return undefined;
  const more = schema?.additionalProperties;
  if (more === true || (typeof more === "object" && more !== null)) return undefined;
  return new Set(Object.keys(properties));
}

/** An input field and the request parameter it came from. */
interface Field {
  value: unknown;
  from: string;
}

/** One output is what a target without `num_outputs` makes anyway: asking for it is no parameter to drop. */
const madeAnyway = ({ value, from }: Field) => from === "num_outputs" && value === 1;

/**
 * The request's fields under the target's names: renamed ones (`params`, LoRAs) apart from those
 * sent in the target's own names, and the parameters `params` says it does not take. A reason
 * when two parameters would give one field different values.
 */
function rename(target: RouteTarget, request: Record<string, unknown>) {
  const renamed = new Map<string, Field>();
  const own = new Map<string, Field>();
  const untaken: string[] = [];
  const entries = Object.entries(request).flatMap(([key, value]) => {
    if (key !== "loras") return [[key, { value, from: key }] as const];
    const [lora] = present(request, key) ? parseLoras(value) : [];
    return Object.entries(lora ? loraInput(lora) : {}).map(
      ([name, part]) => [name, { value: part, from: key }] as const,
    );
  });
  for (const [key, field] of entries) {
    if (!(key in target.params) && field.from === key) {
      own.set(key, field);
      continue;
    }
    const name = key in target.params ? target.params[key] : key;
    if (name === null || name === undefined) {
      if (!madeAnyway(field)) untaken.push(field.from);
      continue;
    }
    const earlier = renamed.get(name);
    if (earlier && !isDeepStrictEqual(earlier.value, field.value))
      return `${earlier.from} and ${field.from} both give ${target.model}'s ${name}, different values`;
    renamed.set(name, field);
  }
  return { renamed, own, untaken };
}

export function adaptInput(
  target: RouteTarget,
  request: Record<string, unknown>,
  inputSchema?: JsonSchema,
  modelCapabilities?: ModelCapabilities,
): Adapted {
  const missing = missingCapability(target, request, modelCapabilities);
  if (missing) return { ok: false, reason: missing };
  const warnings: string[] = [];
  const normalised = structuredClone(request);
  adaptSize(target, normalised, warnings);
  const fields = rename(target, normalised);
  if (typeof fields === "string") return { ok: false, reason: fields };
  const unsupported = [...fields.untaken];
  const input = new Map(fields.renamed);
  for (const [name, field] of fields.own) {
    const earlier = input.get(name);
    if (earlier && !isDeepStrictEqual(earlier.value, field.value))
      warnings.push(
        `${earlier.from} ${preview(earlier.value)} not sent: the request's own ${name} ${preview(field.value)} wins`,
      );
    input.set(name, field);
  }
  const taken = namesTaken(inputSchema);
  for (const [name, field] of input) {
    if (!taken || taken.has(name)) continue;
    input.delete(name);
    if (!madeAnyway(field)) unsupported.push(field.from === name ? name : `${field.from} (as ${name})`);
  }
  for (const name of new Set(unsupported)) {
    if (target.onUnsupported === "fallback")
      return { ok: false, reason: `unsupported parameter: ${target.model} does not take ${name}` };
    warnings.push(`${name} dropped: ${target.model} does not take it`);
  }
  const adapted = Object.fromEntries([...input].map(([name, { value }]) => [name, value]));
  for (const [name, value] of Object.entries(target.input)) {
    if (name in adapted && !isDeepStrictEqual(adapted[name], value))
      warnings.push(
        `${name} ${preview(adapted[name])} replaced by ${preview(value)}, which ${target.key} always sends`,
      );
  }
  return { ok: true, input: { ...adapted, ...target.input }, warnings };
}
