/** Streams a sim/text operation's tokens as they become available, from the first token on. */
import { setTimeout as sleep } from "node:timers/promises";
import type { StreamPart } from "../provider.ts";
import type { TextOperation } from "./operation.ts";
import { simTokens } from "./text-tokens.ts";
import { tokenAt } from "./timeline.ts";

/** Ends early when the operation fails, is canceled or `signal` aborts; status() tells which. */
export async function* streamTokens(
  operation: TextOperation,
  isCanceled: () => Promise<boolean>,
  signal: AbortSignal | undefined,
): AsyncGenerator<StreamPart> {
  if (operation.failure !== null) {
    await sleepUntil(tokenAt(operation, 0), signal);
    return;
  }
  const tokens = simTokens(operation.prompt, operation.seed, operation.maxTokens);
  for (const [index, token] of tokens.entries()) {
    if (!(await sleepUntil(tokenAt(operation, index), signal)) || (await isCanceled())) return;
    yield { type: "output", data: token };
  }
  // The simulator always writes max_tokens tokens.
  yield { type: "finish", finishReason: "length", usage: { outputTokens: tokens.length } };
}

/** False when aborted. */
async function sleepUntil(at: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return false;
  try {
    // Timers may fire a millisecond before Date.now() reaches `at`.
    for (let wait = at - Date.now(); wait > 0; wait = at - Date.now())
      await sleep(wait, undefined, { signal });
    return true;
  } catch (error) {
    if (signal?.aborted) return false;
    throw error;
  }
}
