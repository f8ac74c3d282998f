/**
 * Runs a submitted chat prediction to its answer: passes its text on as tokens arrive, ends it at
 * the first stop sequence or at the token limit (canceling what still runs upstream), and cancels
 * it when the client goes away.
 */
import type { Logger } from "pino";
import { isTerminal, type Prediction } from "../../core/prediction.ts";
import type { Engine } from "../../engine/engine.ts";
import { cancelUnread } from "./cancel-unread.ts";
import { type ChatFinishReason, chatFinishReason } from "./chat-finish.ts";
import type { ChatPlan } from "./chat-input.ts";
import { StopScanner } from "./chat-stop.ts";
import type { TokenFeed } from "./chat-tokens.ts";
import { logprobsOf, type ToolCall, toolCallsOf } from "./chat-tool-calls.ts";
import { type Usage, usageOf } from "./chat-usage.ts";

export type ChatEnd =
  | {
      ended: "finished";
      finishReason: ChatFinishReason;
      /** The tools the model called (only a model that takes tools natively calls any). */
      toolCalls: ToolCall[];
      /** OpenAI's `choices[].logprobs`, when the model gave them. */
      logprobs: Record<string, unknown> | null;
      usage: () => Promise<Usage>;
    }
  | { ended: "failed"; message: string }
  | { ended: "aborted" };

export interface ChatRun {
  deps: { engine: Engine; logger: Logger };
  plan: ChatPlan;
  /** As submitted. */
  prediction: Prediction;
  feed: TokenFeed;
}

export async function runChat(
  { deps, plan, prediction: submitted, feed }: ChatRun,
  signal: AbortSignal,
  onText: (text: string) => Promise<void>,
): Promise<ChatEnd> {
  const cancel = () => cancelUnread(deps, submitted.id, "a chat prediction");
  const limitInInput = plan.maxTokensField === undefined ? undefined : submitted.input[plan.maxTokensField];
  const limit =
    plan.maxTokens ?? (typeof limitInInput === "number" ? limitInInput : Number.POSITIVE_INFINITY);
  // A limit the model was not given is gengate's to enforce.
  const modelStopsAtLimit = plan.maxTokensField !== undefined;
  const scanner = new StopScanner(plan.stop);
  let tokens = 0;
  let finishReason: "stop" | "length" | undefined;

  const { prediction: last, finish } = await feed.follow(signal, async (token) => {
    tokens++;
    if (finishReason) return true;
    const { text, stopped } = scanner.push(token);
    if (text !== "") await onText(text);
    if (stopped) {
      finishReason = "stop";
      return false;
    }
    if (tokens < limit) return true;
    finishReason = "length";
    // A model that stops there itself is followed to its end, for its token counts.
    return modelStopsAtLimit;
  });

  if (signal.aborted) {
    cancel();
    return { ended: "aborted" };
  }
  if (!isTerminal(last.state)) cancel();
  else if (last.state !== "succeeded" && finishReason === undefined) {
    return { ended: "failed", message: last.error ?? `the prediction was ${last.state}` };
  }
  if (finishReason !== "stop") {
    const held = scanner.flush();
    if (held !== "") await onText(held);
  }
  const toolCalls = last.state === "succeeded" ? toolCallsOf(last.output) : [];
  return {
    ended: "finished",
    finishReason:
      toolCalls.length > 0
        ? "tool_calls"
        : chatFinishReason(finishReason, finish?.finishReason, tokens, limit),
    toolCalls,
    logprobs: last.state === "succeeded" ? logprobsOf(last.output) : null,
    usage: () => usageOf(last, plan.promptText, tokens, finish?.usage),
  };
}
