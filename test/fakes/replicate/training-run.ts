/**
 * A training: progress logs for `trainingMs`, then a new version on the destination model (it runs
 * like fake/sdxl) and a `.tar` of weights on the delivery origin.
 */
import { TRAINED_VERSION_SCHEMA } from "./builtin-models.ts";
import type { Catalog } from "./catalog.ts";
import type { DeliveryStore } from "./delivery.ts";
import type { Lifecycle } from "./lifecycle.ts";
import { finishLater } from "./model-runs.ts";
import type { PredictionRecord } from "./prediction-store.ts";
import { weightsArchive } from "./weights-archive.ts";

export interface TrainingDeps {
  lifecycle: Lifecycle;
  catalog: Catalog;
  delivery: DeliveryStore;
  trainingMs: number;
}

const PROGRESS_STEPS = 4;

export function runTraining(
  record: PredictionRecord,
  input: Record<string, unknown>,
  deps: TrainingDeps,
): void {
  const { lifecycle, trainingMs } = deps;
  const steps = Number(input.steps);
  lifecycle.appendLogs(record, `Training ${steps} steps with trigger word ${String(input.trigger_word)}`);
  for (let part = 1; part < PROGRESS_STEPS; part++) {
    const done = Math.round((steps * part) / PROGRESS_STEPS);
    const percent = Math.round((100 * part) / PROGRESS_STEPS);
    lifecycle.later(record, (trainingMs * part) / PROGRESS_STEPS, () =>
      lifecycle.appendLogs(record, `flux_train_replicate: ${String(percent).padStart(3)}%| ${done}/${steps}`),
    );
  }
  finishLater(lifecycle, record, trainingMs, () => {
    const destination = deps.catalog.model(record.destination ?? "");
    if (!destination) throw new Error(`The destination ${record.destination} no longer exists`);
    const version = deps.catalog.addVersion(destination, TRAINED_VERSION_SCHEMA, "sdxl");
    const weights = deps.delivery.put(
      "trained_model.tar",
      weightsArchive({
        trigger_word: String(input.trigger_word),
        steps: String(steps),
        lora_rank: String(input.lora_rank),
      }),
      "application/x-tar",
    );
    lifecycle.appendLogs(record, `flux_train_replicate: 100%| ${steps}/${steps}`);
    lifecycle.complete(record, { version: `${record.destination}:${version.id}`, weights });
  });
}
