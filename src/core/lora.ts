/**
 * A LoRA trained from photos: a resumable flow whose every step records its result, so a restart
 * continues from the step it was in.
 */

/** The steps in order; `ready`, `failed` and `canceled` end the flow. */
export const LORA_STATUSES = [
  "uploading",
  "creating_model",
  "training",
  "sampling",
  "ready",
  "failed",
  "canceled",
] as const;
export type LoraStatus = (typeof LORA_STATUSES)[number];

export const LORA_ACTIVE_STATUSES: readonly LoraStatus[] = [
  "uploading",
  "creating_model",
  "training",
  "sampling",
];

export function isLoraDone(status: LoraStatus): boolean {
  return !LORA_ACTIVE_STATUSES.includes(status);
}

/** LoRA names: what `lora:<name>` refers to, and part of the destination model's name. */
export const LORA_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

export interface Lora {
  id: string;
  tokenId: string | null;
  name: string;
  triggerWord: string;
  provider: string;
  trainer: string;
  /** The trainer's input besides the photos (steps, lora_rank…), defaults applied. */
  params: Record<string, unknown>;
  photoCount: number;
  /** Storage key of the training zip built from the normalised photos. */
  zipKey: string;
  /** Where the provider fetches the zip, once uploaded. */
  zipUrl: string | null;
  /** `owner/name` of the model that receives the trained version. */
  destination: string | null;
  /** gengate's id of the training (a row of the predictions table). */
  trainingId: string | null;
  /** `owner/name:version` of the trained version. */
  version: string | null;
  /** Storage key of the trained weights. */
  weightsKey: string | null;
  /** How many sample images to make with the trigger word once trained. */
  sampleCount: number;
  /** The sample predictions' ids. */
  sampleIds: string[];
  webhook: string | null;
  status: LoraStatus;
  error: string | null;
  createdAt: number;
  completedAt: number | null;
  /** When the flow runner should look at it next; a lease while a step runs. */
  nextCheckAt: number;
}

const LORA_PREFIX = "lora:";

/** The LoRA name in a `lora:<name>` model reference, or undefined for other references. */
export function loraNameOf(ref: string): string | undefined {
  return ref.startsWith(LORA_PREFIX) ? ref.slice(LORA_PREFIX.length) : undefined;
}

/** The prompt with the trigger word in front, unless it already has it as a word. */
export function withTriggerWord(prompt: string, triggerWord: string): string {
  const escaped = triggerWord.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\p{L}\\p{N}_])${escaped}($|[^\\p{L}\\p{N}_])`, "u").test(prompt)
    ? prompt
    : `${triggerWord} ${prompt}`.trim();
}
