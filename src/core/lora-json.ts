/** A LoRA as the API shows it. */
import type { Links } from "./links.ts";
import type { Lora, LoraStatus } from "./lora.ts";
import { mapFileRefs } from "./output.ts";
import { clientStatus, type Prediction } from "./prediction.ts";

export interface LoraSampleJson {
  prompt: string;
  status: string;
  prediction_id: string;
  output: unknown;
}

export interface LoraJson {
  id: string;
  name: string;
  /** What to pass as a prediction's model to use it. */
  model: string;
  trigger_word: string;
  provider: string;
  trainer: string;
  params: Record<string, unknown>;
  photos: number;
  status: LoraStatus;
  destination: string | null;
  training_id: string | null;
  version: string | null;
  weights: string | null;
  samples: LoraSampleJson[];
  error: string | null;
  created_at: string;
  completed_at: string | null;
  urls: { get: string; cancel: string };
}

export function toLoraJson(lora: Lora, samples: readonly Prediction[], links: Links): LoraJson {
  const api = `${links.base}/v1/loras/${lora.id}`;
  return {
    id: lora.id,
    name: lora.name,
    model: `lora:${lora.name}`,
    trigger_word: lora.triggerWord,
    provider: lora.provider,
    trainer: lora.trainer,
    params: lora.params,
    photos: lora.photoCount,
    status: lora.status,
    destination: lora.destination,
    training_id: lora.trainingId,
    version: lora.version,
    weights: lora.weightsKey ? links.file(lora.weightsKey) : null,
    samples: samples.map((sample) => ({
      prompt: typeof sample.input.prompt === "string" ? sample.input.prompt : "",
      status: clientStatus(sample.state, sample.upstreamPhase),
      prediction_id: sample.id,
      output: mapFileRefs(sample.output, links.file),
    })),
    error: lora.error,
    created_at: new Date(lora.createdAt).toISOString(),
    completed_at: lora.completedAt === null ? null : new Date(lora.completedAt).toISOString(),
    urls: { get: api, cancel: `${api}/cancel` },
  };
}
