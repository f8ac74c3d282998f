/** The shapes of the LoRA API's answers the CLI reads (defined with the server's, in core). */
export type { LoraJson, LoraSampleJson } from "../../core/lora-json.ts";
