/** The shapes of the LoRA API's answers the CLI reads (defined with the server's, in core). */
export type { LoraJson, LoraSampleJson } from "../../core/lora-json.ts";

/** The parts of a training (Replicate's training object) the CLI reads. */
export interface TrainingJson {
  status: string;
  logs: string;
}

/** A LoRA's URL path; the API takes its id or its name. */
export const loraPath = (ref: string) => `/v1/loras/${encodeURIComponent(ref)}`;
