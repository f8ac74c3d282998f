/**
 * A training: fetches and checks its `input_images` zip like ostris/flux-dev-lora-trainer (a zip
 * holding images, else it fails saying why), logs progress for `trainingMs`, then adds a new
 * version to the destination model (it runs like fake/sdxl, plus `lora_scale`) and puts a `.tar`
 * of weights on the delivery origin.
 */
import { TRAINED_VERSION_SCHEMA } from "./builtin-models.ts";
import type { Catalog } from "./catalog.ts";
import type { DeliveryStore } from "./delivery.ts";
import { type InputSources, readInputFile } from "./input-image.ts";
import type { Lifecycle } from "./lifecycle.ts";
import { finishLater } from "./model-runs.ts";
import type { PredictionRecord } from "./prediction-store.ts";
import { inspectTrainingZip, type TrainingInputRecord } from "./training-data.ts";
import { weightsArchive } from "./weights-archive.ts";

export interface TrainingDeps {
  lifecycle: Lifecycle;
  catalog: Catalog;
  delivery: DeliveryStore;
  inputs: InputSources;
  /** Where what each training received is recorded. */
  received: TrainingInputRecord[];
  trainingMs: number;
}

const PROGRESS_STEPS = 4;

function progressBar(percent: number): string {
  const filled = Math.round(percent / 10);
  return `${"█".repeat(filled)}${" ".repeat(10 - filled)}`;
}

export async function runTraining(
  record: PredictionRecord,
  input: Record<string, unknown>,
  deps: TrainingDeps,
): Promise<void> {
  const { lifecycle, trainingMs } = deps;
  const url = String(input.input_images);
  const steps = Number(input.steps);
  const trigger = String(input.trigger_word);
  const log = (line: string) => lifecycle.appendLogs(record, line);
  log(`Downloading input_images from ${url.startsWith("data:") ? "a data URL" : url}`);
  let zip: Awaited<ReturnType<typeof inspectTrainingZip>>;
  let bytes: Buffer;
  try {
    bytes = await readInputFile(url, deps.inputs, "input_images");
    zip = await inspectTrainingZip(bytes);
  } catch (error) {
    log(`ValueError: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  deps.received.push({
    trainingId: record.id,
    url,
    size: bytes.length,
    entries: zip.entries,
    images: zip.images,
    captions: zip.captions,
  });
  log(`Extracted ${zip.images.length + zip.captions.length} files from zip to input_images`);
  const uncaptioned = zip.images.length - zip.captions.length;
  if (input.autocaption !== false && uncaptioned > 0) {
    log(`Autocaptioning ${uncaptioned} images with trigger word ${trigger}`);
  }
  log(`Training ${steps} steps with trigger word ${trigger}, LoRA rank ${String(input.lora_rank)}`);
  for (let part = 1; part < PROGRESS_STEPS; part++) {
    const done = Math.round((steps * part) / PROGRESS_STEPS);
    const percent = Math.round((100 * part) / PROGRESS_STEPS);
    lifecycle.later(record, (trainingMs * part) / PROGRESS_STEPS, () =>
      log(`flux_train_replicate: ${String(percent).padStart(3)}%|${progressBar(percent)}| ${done}/${steps}`),
    );
  }
  finishLater(lifecycle, record, trainingMs, () => {
    const destination = deps.catalog.model(record.destination ?? "");
    if (!destination) throw new Error(`The destination ${record.destination} no longer exists`);
    const version = deps.catalog.addVersion(destination, TRAINED_VERSION_SCHEMA, "sdxl");
    const weights = deps.delivery.put(
      "trained_model.tar",
      weightsArchive({ trigger_word: trigger, steps: String(steps), lora_rank: String(input.lora_rank) }),
      "application/x-tar",
    );
    log(`flux_train_replicate: 100%|${progressBar(100)}| ${steps}/${steps}`);
    log("Saved LoRA to output/flux_train_replicate/lora.safetensors");
    lifecycle.complete(record, { version: `${record.destination}:${version.id}`, weights });
  });
}
