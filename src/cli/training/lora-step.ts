/** A LoRA's step in plain words for progress lines: "creating the model", "training 45% (450/1000 steps)". */
import { isFinished } from "../prediction-json.ts";
import type { LoraJson } from "./lora-json.ts";

/** `\b` keeps "v1/2" in a path from passing for a step count. */
const COUNT = /\b(\d+)\/(\d+)\b/g;

export interface StepCount {
  done: number;
  total: number;
}

/** `trainingLogs` are the logs of the LoRA's training, while it trains. */
export function describeStep(lora: LoraJson, trainingLogs = ""): string {
  switch (lora.status) {
    case "uploading":
      return "uploading photos";
    case "creating_model":
      return "creating the model";
    case "training": {
      const steps = trainingSteps(trainingLogs);
      if (steps === undefined) return "training";
      return `training ${Math.floor((steps.done * 100) / steps.total)}% (${steps.done}/${steps.total} steps)`;
    }
    case "sampling": {
      const { samples } = lora;
      if (samples.length === 0) return "making sample images";
      return `making sample images ${samples.filter(isFinished).length}/${samples.length}`;
    }
    default:
      return lora.status;
  }
}

/**
 * The count on the last log line that has one, as trainers print their progress bar:
 * "flux_train_replicate:  50%|█████     | 500/1000 [10:00<10:00, 1.2s/it]" is 500 of 1000.
 */
export function trainingSteps(logs: string): StepCount | undefined {
  // Progress bars redraw with a bare \r, so that too ends a line.
  for (const line of logs.split(/\r\n|\r|\n/).reverse()) {
    const count = [...line.matchAll(COUNT)].at(-1);
    if (count === undefined) continue;
    const done = Number(count[1]);
    const total = Number(count[2]);
    // A date such as 2024/05/01 is no step count.
    if (total > 0 && done <= total) return { done, total };
  }
  return undefined;
}
