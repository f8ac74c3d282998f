/**
 * Why a chat completion ended, in OpenAI's words: gengate's own verdict when it ended the text
 * (a stop sequence, the token limit it enforces), else what the model's provider said in its
 * stream's finish part, else what the token count shows.
 */
import type { FinishReason } from "../../providers/provider.ts";

export type ChatFinishReason = "stop" | "length" | "content_filter" | "tool_calls";

const FROM_PROVIDER: Partial<Record<FinishReason, ChatFinishReason>> = {
  stop: "stop",
  length: "length",
  "content-filter": "content_filter",
};

export function chatFinishReason(
  endedByGengate: "stop" | "length" | undefined,
  providerSaid: FinishReason | undefined,
  tokens: number,
  limit: number,
): ChatFinishReason {
  return (
    endedByGengate ?? (providerSaid && FROM_PROVIDER[providerSaid]) ?? (tokens >= limit ? "length" : "stop")
  );
}
