/**
 * Trainer references, and how the create journal records what a training was created from (the
 * trainer's version and the destination), so a lost create can be recognised among trainings.
 */
import { GatewayError } from "../../core/errors.ts";
import type { TrainerRef } from "./model-catalog.ts";

const NAME = String.raw`[A-Za-z0-9][\w.-]*`;
const TRAINER = new RegExp(String.raw`^(?:version:|model:)?(${NAME})\/(${NAME})(?::([A-Za-z0-9]+))?$`);

/**
 * `owner/name` (its latest version), `owner/name:version`, or a descriptor's providerModel
 * (`version:owner/name:id`, `model:owner/name`), as the engine may pass either.
 */
export function parseTrainerRef(trainer: string): TrainerRef {
  const match = TRAINER.exec(trainer);
  if (!match) {
    throw new GatewayError(
      "bad_request",
      `"${trainer}" is not a Replicate trainer; expected "owner/name" or "owner/name:version"`,
      { retryable: false },
    );
  }
  const [, owner = "", name = "", version] = match;
  return version ? { owner, name, version } : { owner, name };
}

export interface TrainingTarget {
  /** The trainer's `owner/name`. */
  trainer: string;
  /** The trainer version the training was created from. */
  version: string;
  /** The model receiving the trained version, `owner/name`. */
  destination: string;
}

const PREFIX = "training:";
const TARGET = /^training:([^/:@]+\/[^/:@]+):([^/:@]+)@([^/:@]+\/[^/:@]+)$/;

export function encodeTrainingTarget(target: TrainingTarget): string {
  return `${PREFIX}${target.trainer}:${target.version}@${target.destination}`;
}

/** Null for anything else (a prediction's target). */
export function parseTrainingTarget(text: string): TrainingTarget | null {
  const match = TARGET.exec(text);
  if (!match) return null;
  const [, trainer = "", version = "", destination = ""] = match;
  return { trainer, version, destination };
}
