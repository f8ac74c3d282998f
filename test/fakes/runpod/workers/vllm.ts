/**
 * worker-vllm's native route (runpod-workers/worker-vllm src/utils.py `JobInput`, src/engine.py
 * `_generate_vllm`; runpod/docs serverless/vllm/vllm-requests.mdx): `{messages | prompt,
 * sampling_params, stream, max_batch_size, min_batch_size, batch_size_growth_factor}` in. The
 * handler is a generator run with `return_aggregate_stream`: it yields batches
 * `{choices: [{tokens: [text deltas]}], usage: {input, output}}` (one token, then 3, 9… up to 50
 * per batch; without `stream`, one batch holding the whole text) and its output is the list of
 * them. The fake's tokens are words picked by the prompt and seed, one per `tokenIntervalMs`.
 * Bad sampling parameters fail the job with vLLM's message, as the handler yields `{error}`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { textTokens } from "../../replicate/text-tokens.ts";
import type { FakeWorker } from "./worker.ts";

/** worker-vllm src/constants.py. */
const BATCH = { max: 50, min: 1, growth: 3 };
/** vLLM's SamplingParams default. */
const DEFAULT_MAX_TOKENS = 16;

/** The documented sampling parameters; vLLM refuses others. */
const SAMPLING_KEYS = [
  "n",
  "best_of",
  "presence_penalty",
  "frequency_penalty",
  "repetition_penalty",
  "temperature",
  "top_p",
  "top_k",
  "min_p",
  "use_beam_search",
  "length_penalty",
  "early_stopping",
  "stop",
  "stop_token_ids",
  "ignore_eos",
  "max_tokens",
  "min_tokens",
  "skip_special_tokens",
  "spaces_between_special_tokens",
  "truncate_prompt_tokens",
  "seed",
];

const samplingSchema = z.looseObject({
  max_tokens: z.int().min(1, "max_tokens must be at least 1").default(DEFAULT_MAX_TOKENS),
  temperature: z.number().min(0, "temperature must be non-negative").optional(),
  top_p: z.number().gt(0, "top_p must be in (0, 1]").max(1, "top_p must be in (0, 1]").optional(),
  stop: z.union([z.string(), z.array(z.string())]).optional(),
  seed: z.int().optional(),
});

const jobInput = z.looseObject({
  messages: z.array(z.object({ role: z.string(), content: z.string() })).optional(),
  prompt: z.string().optional(),
  sampling_params: z.record(z.string(), z.unknown()).default({}),
  stream: z.boolean().default(false),
  max_batch_size: z.int().positive().default(BATCH.max),
  min_batch_size: z.int().positive().default(BATCH.min),
  batch_size_growth_factor: z.number().default(BATCH.growth),
});

type JobInput = z.infer<typeof jobInput>;

/** Batch sizes as worker-vllm's `BatchSize` grows them. */
function batchSizes({
  max_batch_size: max,
  min_batch_size: min,
  batch_size_growth_factor: growth,
}: JobInput) {
  const dynamic = growth > 1 && min >= 1 && max > min;
  let current = dynamic ? min : max;
  return {
    current: () => current,
    grow: () => {
      if (dynamic) current = Math.min(current * growth, max);
    },
  };
}

/** The text the model reads: messages go through a (plain) chat template. */
function promptText(input: JobInput): string | undefined {
  return input.messages?.map((m) => `${m.role}: ${m.content}`).join("\n") ?? input.prompt;
}

/** Deltas up to the first stop string, which is left out (vLLM's default). */
function untilStop(tokens: string[], stops: string[]): string[] {
  let text = "";
  const deltas: string[] = [];
  for (const token of tokens) {
    const next = text + token;
    const at = Math.min(...stops.map((stop) => next.indexOf(stop)).filter((index) => index >= 0));
    if (Number.isFinite(at)) {
      deltas.push(next.slice(text.length, Math.max(text.length, at)));
      return deltas;
    }
    deltas.push(token);
    text = next;
  }
  return deltas;
}

export const vllmWorker: FakeWorker = async (input, { endpoint, emit, signal }) => {
  const parsed = jobInput.safeParse(input);
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid input" };
  const job = parsed.data;
  const unknown = Object.keys(job.sampling_params).find((key) => !SAMPLING_KEYS.includes(key));
  if (unknown) return { error: `Unexpected keyword argument '${unknown}'` };
  const sampling = samplingSchema.safeParse(job.sampling_params, { reportInput: true });
  if (!sampling.success) {
    const issue = sampling.error.issues[0];
    return { error: `${issue?.message}, got ${JSON.stringify(issue?.input)}.` };
  }
  const text = promptText(job);
  if (text === undefined) return { error: "Either 'messages' or 'prompt' is required" };
  const { max_tokens, stop, seed } = sampling.data;
  const stops = stop === undefined ? [] : [stop].flat();
  const deltas = untilStop(textTokens(seed === undefined ? text : `${seed}:${text}`, max_tokens), stops);
  const usage = (output: number) => ({ input: text.split(/\s+/).filter(Boolean).length, output });

  const batches: unknown[] = [];
  const yieldBatch = (tokens: string[], generated: number) => {
    const batch = { choices: [{ tokens }], usage: usage(generated) };
    batches.push(batch);
    emit(batch);
  };
  const sizes = batchSizes(job);
  let pending: string[] = [];
  for (const [index, delta] of deltas.entries()) {
    if (index > 0) await sleep(endpoint.tokenIntervalMs, undefined, { signal, ref: false });
    if (!job.stream) continue;
    pending.push(delta);
    if (pending.length >= sizes.current()) {
      yieldBatch(pending, index + 1);
      pending = [];
      sizes.grow();
    }
  }
  if (!job.stream) yieldBatch([deltas.join("")], deltas.length);
  else if (pending.length > 0) yieldBatch(pending, deltas.length);
  return { output: batches };
};
