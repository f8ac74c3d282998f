/** A sim training's state at a given time, from the clock and its operation alone. */
import { outputFile, type StatusResult } from "../provider.ts";
import type { TrainingOperation } from "./operation.ts";
import { loraSafetensors } from "./safetensors.ts";
import { finishedAt } from "./timeline.ts";

/** Progress is logged at each quarter of the training, like the real trainer's progress bar. */
const PROGRESS_PARTS = 4;
export const WEIGHTS_PATH = "output/flux_train_replicate/lora.safetensors";

function bar(percent: number): string {
  const filled = Math.round(percent / 10);
  return `${"█".repeat(filled)}${" ".repeat(10 - filled)}`;
}

/** The trainer's logs up to `now` (all of them once it has finished). */
export function trainingLogs(op: TrainingOperation, now: number): string {
  if (op.failure !== null) return `Downloading input_images\nValueError: ${op.failure}\n`;
  let logs = `Extracted ${op.images + op.captions} files from zip to input_images (${op.images} images, ${op.captions} captions)\n`;
  const uncaptioned = op.images - op.captions;
  if (op.autocaption && uncaptioned > 0) {
    logs += `Autocaptioning ${uncaptioned} images with trigger word ${op.triggerWord}\n`;
  }
  logs += `Training ${op.steps} steps with trigger word ${op.triggerWord}, LoRA rank ${op.loraRank}, learning rate ${op.learningRate}\n`;
  const fraction = op.durationMs === 0 ? 1 : Math.min(1, Math.max(0, (now - op.startedAt) / op.durationMs));
  const parts = Math.floor(fraction * PROGRESS_PARTS);
  for (let part = 1; part <= parts; part++) {
    const percent = (100 * part) / PROGRESS_PARTS;
    const step = Math.round((op.steps * part) / PROGRESS_PARTS);
    logs += `flux_train_replicate: ${String(percent).padStart(3)}%|${bar(percent)}| ${step}/${op.steps}\n`;
  }
  if (parts === PROGRESS_PARTS) logs += `Saved LoRA weights to ${WEIGHTS_PATH}\n`;
  return logs;
}

export function trainedVersion(op: TrainingOperation): string {
  return `${op.destination}:${op.versionId}`;
}

export function trainingWeights(op: TrainingOperation): Buffer {
  const metadata = {
    format: "pt",
    name: op.destination,
    trigger_word: op.triggerWord,
    steps: String(op.steps),
    lora_rank: String(op.loraRank),
    learning_rate: String(op.learningRate),
    training: op.trainingId,
  };
  return loraSafetensors(metadata, op.loraRank, op.versionId);
}

export function simTrainingStatus(op: TrainingOperation, now: number): StatusResult {
  const logs = trainingLogs(op, now);
  const end = finishedAt(op);
  if (now < end) {
    const quarter = op.durationMs / PROGRESS_PARTS;
    const nextPart = op.startedAt + quarter * (Math.floor((now - op.startedAt) / quarter) + 1);
    return { state: "processing", logs, nextPollMs: Math.max(1, Math.ceil(Math.min(nextPart, end) - now)) };
  }
  if (op.failure !== null) return { state: "failed", error: op.failure, logs };
  const weights = outputFile("application/octet-stream", "safetensors", async () => trainingWeights(op));
  return {
    state: "succeeded",
    output: { version: trainedVersion(op), weights },
    logs,
    metrics: { predict_time: (end - op.startedAt) / 1000 },
  };
}
