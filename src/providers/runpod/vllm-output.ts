/**
 * worker-vllm's output (runpod-workers/worker-vllm src/engine.py `_generate_vllm`): each yielded
 * batch is `{ choices: [{ tokens: ["…", …] }], usage: { input, output } }`, tokens being text
 * deltas (empty ones, which a stop string can leave, are dropped) and usage the counts so far. The handler runs with `return_aggregate_stream`, so a
 * COMPLETED job's output is the list of every batch it streamed. gengate asks for one choice.
 */
import { z } from "zod";

const batchSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        tokens: z.array(z.string()).transform((tokens) => tokens.filter((token) => token !== "")),
      }),
    )
    .min(1),
  usage: z.looseObject({ input: z.number(), output: z.number() }).optional(),
});

type Batch = z.infer<typeof batchSchema>;

export interface TextOutput {
  tokens: string[];
  usage: { input: number; output: number } | undefined;
}

function batchOf(output: unknown): Batch | undefined {
  const parsed = batchSchema.safeParse(output);
  return parsed.success ? parsed.data : undefined;
}

/** The text deltas of one streamed batch, and the token counts so far when it gives them. */
export function streamedBatch(output: unknown): TextOutput {
  const batch = batchOf(output);
  return { tokens: batch?.choices[0]?.tokens ?? [], usage: batch?.usage };
}

/** The whole text of a finished job (none when it streamed nothing), or null when its output is not worker-vllm's. */
export function textOutput(output: unknown): TextOutput | null {
  const batches: Batch[] = [];
  for (const item of Array.isArray(output) ? output : [output]) {
    const batch = batchOf(item);
    if (!batch) return null;
    batches.push(batch);
  }
  return {
    tokens: batches.flatMap((batch) => batch.choices[0]?.tokens ?? []),
    usage: batches.findLast((batch) => batch.usage !== undefined)?.usage,
  };
}
