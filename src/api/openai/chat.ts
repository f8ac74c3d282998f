/**
 * `POST /chat/completions`: a chat request becomes a prediction of a text model (one per choice
 * when `n` > 1), submitted like any other (same queue, rate limits and fallbacks), answered whole
 * or streamed as `chat.completion.chunk` events ending with `data: [DONE]`.
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
import type { ChatRun } from "./chat-run.ts";
import { toolCallDeltas } from "./chat-tool-calls.ts";
import { sumUsage } from "./chat-usage.ts";
import { runChoices } from "./choices.ts";
import { type Choices, failedMessage, submitTexts, wholeTexts } from "./text-submit.ts";

export function chatRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post("/chat/completions", limitBody(deps.config.maxBodyBytes), async (c) => {
    const request = parseChatRequest(await readJson(c, z.unknown()));
    const model = await resolveChatModel(deps.engine, deps.openAiModels.resolve(request.model));
    const runs = await submitTexts(c, deps, request, model);
    // The completion is named after its first choice's prediction.
    const { prediction } = runs[0];
    const meta: CompletionMeta = {
      id: `chatcmpl-${prediction.id}`,
      created: Math.floor(prediction.createdAt / 1000),
      model: request.model,
    };
    if (request.stream) return streamAnswer(c, runs, meta, request);
    const answers = await wholeTexts(c, runs);
    // Nobody is listening any more.
    if (!answers) return c.body(null);
    return c.json(chatCompletion(meta, answers));
  });

  return app;
}

function streamAnswer(
  c: Context<ApiEnv>,
  runs: Choices,
  meta: CompletionMeta,
  { includeUsage }: ChatRequest,
): Response {
  const fail = (stream: SSEStreamingApi, run: ChatRun, message: string) =>
    stream.writeSSE({ data: JSON.stringify(streamError(failedMessage(run, message))) });
  return streamSSE(
    c,
    async (stream) => {
      const send = (data: unknown) => stream.writeSSE({ data: JSON.stringify(data) });
      for (const index of runs.keys())
        await send(completionChunk(meta, { index, delta: { role: "assistant", content: "" } }, includeUsage));
      const end = await runChoices(
        runs,
        c.req.raw.signal,
        (index, content) => send(completionChunk(meta, { index, delta: { content } }, includeUsage)),
        async (index, { toolCalls, finishReason, logprobs }) => {
          if (toolCalls.length > 0) {
            const delta = { tool_calls: toolCallDeltas(toolCalls) };
            await send(completionChunk(meta, { index, delta }, includeUsage));
          }
          // A model's log probabilities come with its whole answer: the choice's last chunk carries them.
          await send(completionChunk(meta, { index, delta: {}, finishReason, logprobs }, includeUsage));
        },
      );
      if (end.ended === "aborted") return;
      if (end.ended === "failed") return fail(stream, end.run, end.message);
      if (includeUsage)
        await send(usageChunk(meta, sumUsage(await Promise.all(end.ends.map((each) => each.usage())))));
      await stream.writeSSE({ data: "[DONE]" });
    },
    async (error, stream) => {
      const [first] = runs;
      first.deps.logger.error({ err: error, prediction: first.prediction.id }, "chat stream failed");
      await fail(stream, first, "internal error");
    },
  );
}
