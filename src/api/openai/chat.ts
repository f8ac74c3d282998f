/**
 * `POST /chat/completions`: a chat request becomes a prediction of a text model, submitted like
 * any other (same queue, rate limits and fallbacks), answered whole or streamed as
 * `chat.completion.chunk` events ending with `data: [DONE]`.
 */
import { type Context, Hono } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import { z } from "zod";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { limitBody } from "../body-limit.ts";
import { readJson } from "../request-body.ts";
import { resolveChatModel } from "./chat-model.ts";
import { type ChatRequest, parseChatRequest } from "./chat-request.ts";
import {
  type CompletionMeta,
  chatCompletion,
  completionChunk,
  streamError,
  usageChunk,
} from "./chat-responses.ts";
import { type ChatRun, runChat } from "./chat-run.ts";
import { toolCallDeltas } from "./chat-tool-calls.ts";
import { failedMessage, submitText, wholeText } from "./text-submit.ts";

export function chatRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post("/chat/completions", limitBody(deps.config.maxBodyBytes), async (c) => {
    const request = parseChatRequest(await readJson(c, z.unknown()));
    const model = await resolveChatModel(deps.engine, deps.openAiModels.resolve(request.model));
    const run = await submitText(c, deps, request, model);
    const meta: CompletionMeta = {
      id: `chatcmpl-${run.prediction.id}`,
      created: Math.floor(run.prediction.createdAt / 1000),
      model: request.model,
    };
    const chat = { ...run, meta };
    if (request.stream) return streamAnswer(c, chat, request);
    const whole = await wholeText(c, chat);
    // Nobody is listening any more.
    if (!whole) return c.body(null);
    return c.json(chatCompletion(meta, whole.text, whole.finishReason, whole.usage, whole));
  });

  return app;
}

interface Chat extends ChatRun {
  meta: CompletionMeta;
}

function streamAnswer(c: Context<ApiEnv>, chat: Chat, request: ChatRequest): Response {
  const { deps, prediction, meta } = chat;
  const { includeUsage } = request;
  const fail = (stream: SSEStreamingApi, message: string) =>
    stream.writeSSE({ data: JSON.stringify(streamError(failedMessage(chat, message))) });
  return streamSSE(
    c,
    async (stream) => {
      const send = (data: unknown) => stream.writeSSE({ data: JSON.stringify(data) });
      await send(completionChunk(meta, { role: "assistant", content: "" }, null, includeUsage));
      const end = await runChat(chat, c.req.raw.signal, (content) =>
        send(completionChunk(meta, { content }, null, includeUsage)),
      );
      if (end.ended === "aborted") return;
      if (end.ended === "failed") return fail(stream, end.message);
      if (end.toolCalls.length > 0)
        await send(completionChunk(meta, { tool_calls: toolCallDeltas(end.toolCalls) }, null, includeUsage));
      // A model's log probabilities come with its whole answer: the last chunk carries them.
      await send(completionChunk(meta, {}, end.finishReason, includeUsage, end.logprobs));
      if (includeUsage) await send(usageChunk(meta, await end.usage()));
      await stream.writeSSE({ data: "[DONE]" });
    },
    async (error, stream) => {
      deps.logger.error({ err: error, prediction: prediction.id }, "chat stream failed");
      await fail(stream, "internal error");
    },
  );
}
