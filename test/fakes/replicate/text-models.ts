/**
 * The language models gengate's built-in text aliases run, with the input schemas Replicate
 * publishes for them (descriptions shortened). They stream tokens (model-runs.ts, `runText`).
 */
import type { Catalog } from "./catalog.ts";
import { type CogField, type CogSignature, cogOpenApiSchema } from "./cog-schema.ts";
import { fixedVersionId } from "./ids.ts";

const tokens = {
  type: "array",
  items: { type: "string" },
  "x-cog-array-type": "iterator",
  "x-cog-array-display": "concatenate",
};
const num = (description: string, value: number, bounds: Partial<CogField> = {}): CogField => ({
  type: "number",
  description,
  default: value,
  ...bounds,
});
const int = (description: string, value: number, bounds: Partial<CogField> = {}): CogField => ({
  type: "integer",
  description,
  default: value,
  ...bounds,
});

/** google-deepmind/gemma-2b-it. */
const gemma: CogSignature = {
  fields: {
    prompt: {
      type: "string",
      description: "Prompt to send to the model.",
      default: "Write me a poem about Machine Learning.",
    },
    max_new_tokens: int("Maximum number of tokens to generate. A word is generally 2-3 tokens", 200, {
      minimum: 1,
    }),
    min_new_tokens: int("Minimum number of tokens to generate. To disable, set to -1.", -1, { minimum: -1 }),
    temperature: num("Adjusts randomness of outputs", 0.7, { minimum: 0.01, maximum: 5 }),
    top_p: num("Samples from the top p percentage of most likely tokens", 0.95, { minimum: 0, maximum: 1 }),
    top_k: int("Samples from the top k most likely tokens", 50),
    repetition_penalty: num("How repetitive text can be. Set to 1.0 to disable.", 1.15),
  },
  output: tokens,
};

/** meta/meta-llama-3-8b-instruct. */
const llama3: CogSignature = {
  fields: {
    prompt: { type: "string", description: "Prompt", default: "" },
    system_prompt: {
      type: "string",
      description: "System prompt to send to the model. This is prepended to the prompt.",
      default: "You are a helpful assistant",
    },
    max_tokens: int("The maximum number of tokens the model should generate as output.", 512),
    min_tokens: int("The minimum number of tokens the model should generate as output.", 0),
    temperature: num("The value used to modulate the next token probabilities.", 0.6),
    top_p: num("A probability threshold for generating the output (nucleus filtering).", 0.9),
    top_k: int("The number of highest probability tokens to consider for generating the output.", 50),
    length_penalty: num("Controls the length of the output.", 1),
    presence_penalty: num("Presence penalty", 0),
    frequency_penalty: num("Frequency penalty", 0),
    stop_sequences: {
      type: "string",
      description: "A comma-separated list of sequences to stop generation at.",
      default: "<|end_of_text|>,<|eot_id|>",
    },
    prompt_template: {
      type: "string",
      description: "A template to format the prompt with.",
      default:
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n{system_prompt}<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n{prompt}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
    },
    log_performance_metrics: { type: "boolean", description: "Log performance metrics", default: false },
  },
  output: tokens,
};

const MODELS = [
  { owner: "google-deepmind", name: "gemma-2b-it", signature: gemma, isOfficial: false },
  { owner: "meta", name: "meta-llama-3-8b-instruct", signature: llama3, isOfficial: true },
];

export function addTextModels(catalog: Catalog): void {
  for (const { owner, name, signature, isOfficial } of MODELS) {
    const model = catalog.createModel({
      owner,
      name,
      description: `${name} (fake)`,
      visibility: "public",
      hardware: "gpu-a100-large",
      isOfficial,
    });
    catalog.addVersion(model, cogOpenApiSchema(signature), "llm", fixedVersionId(`${owner}/${name}`));
  }
}
