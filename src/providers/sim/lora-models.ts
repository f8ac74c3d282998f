/**
 * The models sim/lora-trainer makes: `sim-lora/<name>`, one version per successful training (its id
 * derived from gengate's training id). They run like sim/image with a `lora_scale`, and their
 * images carry the LoRA's style (lora-style.ts).
 */
import { createHash } from "node:crypto";
import type { ModelRef } from "../../core/model-ref.ts";
import type { JsonSchema, ModelDescriptor } from "../provider.ts";
import { cogInput, IMAGE_CAPABILITIES, IMAGE_CONTROLS, IMAGE_OUTPUT, IMAGE_PROPERTIES } from "./models.ts";
import type { TrainingOperation } from "./operation.ts";

export const LORA_OWNER = "sim-lora";
/** Replicate's rule for model names, which the sim follows. */
export const LORA_MODEL_NAME = /^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$/;
const PROVIDER_MODEL = /^sim-lora\/([a-z0-9][a-z0-9._-]*):([a-f0-9]{64})$/;

export const LORA_INPUT: JsonSchema = cogInput(["prompt"], {
  ...IMAGE_PROPERTIES,
  lora_scale: {
    type: "number",
    title: "Lora Scale",
    description: "How strongly the LoRA's style shows: 0 leaves the image as sim/image makes it",
    default: 1,
    minimum: -1,
    maximum: 3,
  },
  ...IMAGE_CONTROLS,
});

export function loraVersionId(trainingId: string): string {
  return createHash("sha256").update(`sim-lora:${trainingId}`).digest("hex");
}

/** The providerModel of a trained version: planOperation runs it as an image with the LoRA. */
export function parseLoraProviderModel(providerModel: string): { name: string; version: string } | null {
  const match = PROVIDER_MODEL.exec(providerModel);
  return match ? { name: match[1] ?? "", version: match[2] ?? "" } : null;
}

export function describeLora(training: TrainingOperation, trainedAt: number): ModelDescriptor {
  const name = training.destination.slice(LORA_OWNER.length + 1);
  return {
    owner: LORA_OWNER,
    name,
    description: `Simulated LoRA "${name}" (trigger word ${training.triggerWord}), trained by sim/lora-trainer from ${training.images} images; runs like sim/image with its style.`,
    versionId: training.versionId,
    versionCreatedAt: new Date(trainedAt).toISOString(),
    inputSchema: LORA_INPUT,
    outputSchema: IMAGE_OUTPUT,
    capabilities: IMAGE_CAPABILITIES,
    providerModel: `${training.destination}:${training.versionId}`,
  };
}

/** Whether `ref` could name a trained version, before the trainings are read. */
export function mayNameLora(ref: ModelRef): boolean {
  return ref.kind === "bare-version" || (ref.kind !== "deployment" && ref.owner === LORA_OWNER);
}

/**
 * The trained version `ref` names among `trained` (trainings that succeeded, oldest first, with
 * when they finished): a pinned or bare version, or a model's latest version.
 */
export function findLora(
  ref: ModelRef,
  trained: readonly { training: TrainingOperation; at: number }[],
): ModelDescriptor | null {
  if (ref.kind === "deployment" || !mayNameLora(ref)) return null;
  const destination = ref.kind === "bare-version" ? undefined : `${LORA_OWNER}/${ref.name}`;
  const matches = trained.filter(
    ({ training }) =>
      (destination === undefined || training.destination === destination) &&
      (ref.kind === "model" || training.versionId === ref.version),
  );
  const latest = matches.reduce<(typeof matches)[number] | undefined>(
    (best, item) => (best === undefined || item.at >= best.at ? item : best),
    undefined,
  );
  return latest ? describeLora(latest.training, latest.at) : null;
}
