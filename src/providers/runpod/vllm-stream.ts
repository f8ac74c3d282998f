/**
 * A vLLM job's tokens as they come: `/stream/{job_id}` polled until the job is final, each answer
 * holding the batches yielded since the previous one (reference A.7). RunPod hands each chunk out
 * once, so this is the job's only reader; a process that takes the job over later gets the whole
 * text from `/status` instead.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { StreamPart, TokenUsage } from "../provider.ts";
import type { TextOperation } from "./operation.ts";
import type { RunpodClient } from "./runpod-client.ts";
import { streamedBatch } from "./vllm-output.ts";

/**
 * Between polls. RunPod's SDKs wait a second; tokens are wanted sooner, but `/stream` shares
 * `/status`'s 2000 requests per 10 s per endpoint: at this pace 25 streaming jobs use half of it.
 */
const POLL_MS = 250;
const FINAL = new Set(["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"]);

export async function* vllmTokens(
  client: RunpodClient,
  op: TextOperation,
  signal: AbortSignal | undefined,
): AsyncGenerator<StreamPart> {
  let usage: TokenUsage = {};
  for (;;) {
    const answer = await client.stream(op.endpointId, op.jobId, signal);
    if (!answer) return;
    for (const chunk of answer.stream) {
      const batch = streamedBatch(chunk.output);
      for (const data of batch.tokens) yield { type: "output", data };
      if (batch.usage) usage = { inputTokens: batch.usage.input, outputTokens: batch.usage.output };
    }
    // worker-vllm does not say why the model stopped; a failed or canceled job has no finish.
    if (answer.status === "COMPLETED") yield { type: "finish", finishReason: "unknown", usage };
    if (FINAL.has(answer.status)) return;
    await sleep(POLL_MS, undefined, { signal });
  }
}
