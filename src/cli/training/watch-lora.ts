/** Polls a LoRA until its flow ends, showing each step; Ctrl-C stops the watching, not the training. */
import { setTimeout as sleep } from "node:timers/promises";
import { isLoraDone } from "../../core/lora.ts";
import { type ApiClient, answer, HttpError } from "../api-client.ts";
import { CliError } from "../cli-error.ts";
import type { Progress } from "../progress.ts";
import type { LoraJson } from "./lora-json.ts";
import { describeStep } from "./lora-step.ts";

const POLL_MS = 1000;
const EXIT_INTERRUPTED = 130;

export async function watchLora(client: ApiClient, created: LoraJson, progress: Progress): Promise<LoraJson> {
  const interrupted = new AbortController();
  const onSigint = () => interrupted.abort();
  process.once("SIGINT", onSigint);
  try {
    let lora = created;
    let logs: string | undefined;
    for (;;) {
      progress.update(describeStep(lora, logs));
      if (isLoraDone(lora.status)) return lora;
      if (!(await sleep(POLL_MS, true, { signal: interrupted.signal }).catch(() => false))) {
        throw new CliError(
          `stopped watching; the server carries on with lora ${lora.name}: ` +
            `"gengate loras cancel ${lora.name}" cancels it`,
          EXIT_INTERRUPTED,
        );
      }
      lora = await answer(client.api.GET("/v1/loras/{id}", { params: { path: { id: lora.id } } }));
      logs = await trainingLogs(client, lora);
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/** The logs only add a step count to the progress: without them it still says "training". */
async function trainingLogs(client: ApiClient, lora: LoraJson): Promise<string | undefined> {
  if (lora.status !== "training" || lora.training_id === null) return undefined;
  try {
    const params = { path: { id: lora.training_id } };
    return (await answer(client.api.GET("/v1/trainings/{id}", { params }))).logs;
  } catch (error) {
    if (error instanceof HttpError) return undefined;
    throw error;
  }
}
