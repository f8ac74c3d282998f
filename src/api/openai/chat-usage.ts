/**
 * Token usage of a chat completion: the provider's own counts when it reported them (in the
 * prediction's metrics, as Replicate's LLMs do, or in its stream's finish part), otherwise the
 * tokens streamed and an estimate of the prompt's.
 */
import type { Tiktoken } from "js-tiktoken/lite";
import type { Prediction } from "../../core/prediction.ts";
import type { TokenUsage } from "../../providers/provider.ts";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

let encoder: Promise<Tiktoken> | undefined;

/**
 * An estimate only: the model's own tokenizer is not at hand, so this counts with GPT-4's
 * (cl100k_base), close for today's LLM vocabularies. Its ranks (about 1 MB) load on first use.
 */
export async function estimateTokens(text: string): Promise<number> {
  encoder ??= Promise.all([import("js-tiktoken/lite"), import("js-tiktoken/ranks/cl100k_base")]).then(
    ([{ Tiktoken }, ranks]) => new Tiktoken(ranks.default),
  );
  // Special-token markers in the text (a template's, a user's) count as plain text.
  return (await encoder).encode(text, [], []).length;
}

export async function usageOf(
  prediction: Prediction,
  promptText: string,
  tokensStreamed: number,
  streamed: TokenUsage = {},
): Promise<Usage> {
  const { metrics } = prediction;
  const reportedPrompt = metrics.input_token_count ?? streamed.inputTokens;
  const reportedCompletion = metrics.output_token_count ?? streamed.outputTokens;
  const prompt = reportedPrompt ?? (await estimateTokens(promptText));
  const completion = reportedCompletion ?? tokensStreamed;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The usage of several choices, each a prediction of its own: every count is theirs together. */
export const sumUsage = (usages: Usage[]): Usage => ({
  prompt_tokens: usages.reduce((sum, usage) => sum + usage.prompt_tokens, 0),
  completion_tokens: usages.reduce((sum, usage) => sum + usage.completion_tokens, 0),
  total_tokens: usages.reduce((sum, usage) => sum + usage.total_tokens, 0),
});
