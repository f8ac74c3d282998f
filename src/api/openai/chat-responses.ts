/** OpenAI's shapes of a chat completion: the whole answer, and the chunks of a streamed one. */
import type { ChatFinishReason } from "./chat-finish.ts";
import type { toolCallDeltas } from "./chat-tool-calls.ts";
import { sumUsage, type Usage } from "./chat-usage.ts";
import type { WholeText } from "./text-submit.ts";

export interface CompletionMeta {
  /** `chatcmpl-<prediction id>`. */
  id: string;
  /** Seconds since the epoch. */
  created: number;
  model: string;
}

/** The whole completion: a choice per answer, in order, and their usage together. */
export function chatCompletion(meta: CompletionMeta, answers: WholeText[]) {
  return {
    ...meta,
    object: "chat.completion",
    choices: answers.map(({ text, finishReason, toolCalls, logprobs }, index) => {
      const calls = toolCalls.length > 0 ? { tool_calls: toolCalls } : {};
      return {
        index,
        message: {
          role: "assistant",
          content: text === "" && calls.tool_calls ? null : text,
          refusal: null,
          ...calls,
        },
        logprobs,
        finish_reason: finishReason,
      };
    }),
    usage: sumUsage(answers.map((answer) => answer.usage)),
  };
}

export interface ChunkChoice {
  /** Which choice (of `n`) the chunk is part of. */
  index: number;
  delta: { role?: "assistant"; content?: string; tool_calls?: ReturnType<typeof toolCallDeltas> };
  finishReason?: ChatFinishReason | null;
  logprobs?: Record<string, unknown> | null;
}

/** A chunk of one choice; with `include_usage`, every chunk has `usage: null` but the last. */
export function completionChunk(
  meta: CompletionMeta,
  { index, delta, finishReason = null, logprobs = null }: ChunkChoice,
  includeUsage: boolean,
) {
  return {
    ...meta,
    object: "chat.completion.chunk",
    choices: [{ index, delta, logprobs, finish_reason: finishReason }],
    ...(includeUsage && { usage: null }),
  };
}

/** The last chunk when `include_usage` was asked: no choices, the usage of the whole request (every choice's). */
export function usageChunk(meta: CompletionMeta, usage: Usage) {
  return { ...meta, object: "chat.completion.chunk", choices: [], usage };
}

/** How OpenAI reports an error in the middle of a stream. */
export function streamError(message: string) {
  return { error: { message, type: "server_error", param: null, code: "prediction_failed" } };
}
