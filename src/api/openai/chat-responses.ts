/** OpenAI's shapes of a chat completion: the whole answer, and the chunks of a streamed one. */
import type { ChatFinishReason } from "./chat-finish.ts";
import type { ToolCall, toolCallDeltas } from "./chat-tool-calls.ts";
import type { Usage } from "./chat-usage.ts";

export interface CompletionMeta {
  /** `chatcmpl-<prediction id>`. */
  id: string;
  /** Seconds since the epoch. */
  created: number;
  model: string;
}

export function chatCompletion(
  meta: CompletionMeta,
  content: string,
  finishReason: ChatFinishReason,
  usage: Usage,
  {
    toolCalls = [],
    logprobs = null,
  }: { toolCalls?: ToolCall[]; logprobs?: Record<string, unknown> | null } = {},
) {
  const calls = toolCalls.length > 0 ? { tool_calls: toolCalls } : {};
  return {
    ...meta,
    object: "chat.completion",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: content === "" && calls.tool_calls ? null : content,
          refusal: null,
          ...calls,
        },
        logprobs,
        finish_reason: finishReason,
      },
    ],
    usage,
  };
}

/** A chunk with one choice; with `include_usage`, every chunk has `usage: null` but the last. */
export function completionChunk(
  meta: CompletionMeta,
  delta: { role?: "assistant"; content?: string; tool_calls?: ReturnType<typeof toolCallDeltas> },
  finishReason: ChatFinishReason | null,
  includeUsage: boolean,
  logprobs: Record<string, unknown> | null = null,
) {
  return {
    ...meta,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, logprobs, finish_reason: finishReason }],
    ...(includeUsage && { usage: null }),
  };
}

/** The last chunk when `include_usage` was asked: no choices, the usage of the whole request. */
export function usageChunk(meta: CompletionMeta, usage: Usage) {
  return { ...meta, object: "chat.completion.chunk", choices: [], usage };
}

/** How OpenAI reports an error in the middle of a stream. */
export function streamError(message: string) {
  return { error: { message, type: "server_error", param: null, code: "prediction_failed" } };
}
