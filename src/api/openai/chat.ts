/**
 * `POST /chat/completions`: a chat request becomes a prediction of a text model, submitted like
 * any other (same queue, rate limits and fallbacks), answered whole or streamed as
 * `chat.completion.chunk` events ending with `data: [DONE]`.
 */
import { type Context, Hono } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { limitBody } from "../body-limit.ts";
import { readJson } from "../request-body.ts";
import { planChat } from "./chat-input.ts";
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
import { checkSupport } from "./chat-support.ts";
import { openTokenFeed } from "./chat-tokens.ts";
import { reportDropped } from "./openai-error.ts";

export function chatRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post("/chat/completions", limitBody(deps.config.maxBodyBytes), async (c) => {
    const request = parseChatRequest(await readJson(c, z.unknown()));
    const model = await resolveChatModel(deps.engine, deps.openAiModels.resolve(request.model));
    const plan = planChat(model, request, checkSupport(model, request.relied));
    const prediction = await deps.engine.submit({
      model: model.ref,
      input: plan.input,
      tokenId: c.get("token").id,
    });
    const feed = openTokenFeed(deps.engine, prediction.id);
    reportDropped(c, plan.dropped);
    const meta: CompletionMeta = {
      id: `chatcmpl-${prediction.id}`,
      created: Math.floor(prediction.createdAt / 1000),
      model: request.model,
    };
    const chat = { deps, plan, prediction, feed, meta };
    return request.stream ? streamAnswer(c, chat, request) : wholeAnswer(c, chat);
  });

  return app;
}

interface Chat extends ChatRun {
  meta: CompletionMeta;
}

async function wholeAnswer(c: Context<ApiEnv>, chat: Chat): Promise<Response> {
  const { prediction, meta } = chat;
  let content = "";
  const end = await runChat(chat, c.req.raw.signal, async (text) => {
    content += text;
  });
  // Nobody is listening any more.
  if (end.ended === "aborted") return c.body(null);
  if (end.ended === "failed") {
    // The prediction already had its retries and fallbacks; sending it again would pay twice.
    c.header("x-should-retry", "false");
    throw new GatewayError("provider_error", `prediction ${prediction.id} failed: ${end.message}`);
  }
  return c.json(chatCompletion(meta, content, end.finishReason, await end.usage()));
}

function streamAnswer(c: Context<ApiEnv>, chat: Chat, request: ChatRequest): Response {
  const { deps, prediction, meta } = chat;
  const { includeUsage } = request;
  const fail = (stream: SSEStreamingApi, message: string) =>
    stream.writeSSE({ data: JSON.stringify(streamError(`prediction ${prediction.id} failed: ${message}`)) });
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
      await send(completionChunk(meta, {}, end.finishReason, includeUsage));
      if (includeUsage) await send(usageChunk(meta, await end.usage()));
      await stream.writeSSE({ data: "[DONE]" });
    },
    async (error, stream) => {
      deps.logger.error({ err: error, prediction: prediction.id }, "chat stream failed");
      await fail(stream, "internal error");
    },
  );
}
