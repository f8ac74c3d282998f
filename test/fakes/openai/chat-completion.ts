/**
 * A chat completion in OpenAI's shapes (the OpenAPI document's CreateChatCompletionResponse and
 * CreateChatCompletionStreamResponse): whole, or as the `chat.completion.chunk` events of a
 * stream (text token by token, each tool call's arguments in two deltas, a usage chunk when
 * `stream_options.include_usage`). Shared by the fakes that speak OpenAI's protocol.
 */
import { answerFor, type ChatBody, logprobsOf, tokensOf } from "./answers.ts";

export interface CompletionIds {
  /** The completion's id, `chatcmpl-…`. */
  id: string;
  /** The id of its tool call, if it makes one. */
  callId: string;
  created: number;
  violateSchema: boolean;
}

const USAGE = { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 };

const logprobsFor = (body: ChatBody, tokens: string[]) =>
  body.logprobs ? logprobsOf(tokens, body.top_logprobs ?? 0) : null;

export function chatCompletion(body: ChatBody, { id, callId, created, violateSchema }: CompletionIds) {
  const answer = answerFor(body, callId, violateSchema);
  const message = {
    role: "assistant",
    content: answer.content,
    refusal: null,
    ...(answer.toolCalls.length > 0 && { tool_calls: answer.toolCalls }),
  };
  return {
    id,
    object: "chat.completion",
    created,
    model: body.model ?? "fake-chat",
    choices: [
      {
        index: 0,
        message,
        logprobs: logprobsFor(body, tokensOf(answer.content)),
        finish_reason: answer.finishReason,
      },
    ],
    usage: USAGE,
  };
}

export function chatCompletionChunks(body: ChatBody, { id, callId, created, violateSchema }: CompletionIds) {
  const answer = answerFor(body, callId, violateSchema);
  const model = body.model ?? "fake-chat";
  const chunks: Record<string, unknown>[] = [];
  const chunk = (delta: Record<string, unknown>, finish: string | null, tokens: string[] = []) =>
    chunks.push({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [
        {
          index: 0,
          delta,
          logprobs: tokens.length > 0 ? logprobsFor(body, tokens) : null,
          finish_reason: finish,
        },
      ],
    });
  chunk({ role: "assistant", content: "" }, null);
  for (const token of tokensOf(answer.content)) chunk({ content: token }, null, [token]);
  answer.toolCalls.forEach((call, index) => {
    const half = Math.floor(call.function.arguments.length / 2);
    const { name, arguments: args } = call.function;
    chunk(
      {
        tool_calls: [
          { index, id: call.id, type: "function", function: { name, arguments: args.slice(0, half) } },
        ],
      },
      null,
    );
    chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }, null);
  });
  chunk({}, answer.finishReason);
  if (body.stream_options?.include_usage)
    chunks.push({ id, object: "chat.completion.chunk", created, model, choices: [], usage: USAGE });
  return chunks;
}
