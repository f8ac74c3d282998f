/**
 * The legacy `POST /completions`: a prompt completed as it is by a text model, through the same
 * queue, rate limits, fallbacks and budgets as chat, answered as a `text_completion` whole or
 * streamed (chunks of the same shape, then `data: [DONE]`).
 */
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { limitBody } from "../body-limit.ts";
import { readJson } from "../request-body.ts";
import type { ChatFinishReason } from "./chat-finish.ts";
import { resolveChatModel } from "./chat-model.ts";
import { type CompletionMeta, streamError } from "./chat-responses.ts";
import { type ChatRun, runChat } from "./chat-run.ts";
import type { Usage } from "./chat-usage.ts";
import { type CompletionsRequest, parseCompletionsRequest } from "./completions-request.ts";
import { failedMessage, submitText, wholeText } from "./text-submit.ts";

type FinishReason = ChatFinishReason | null;

const completion = (meta: CompletionMeta, text: string, finishReason: FinishReason, usage?: Usage) => ({
  ...meta,
  object: "text_completion",
  choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
  ...(usage && { usage }),
});

export function completionsRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post("/completions", limitBody(deps.config.maxBodyBytes), async (c) => {
    const request = parseCompletionsRequest(await readJson(c, z.unknown()));
    const model = await resolveChatModel(deps.engine, deps.openAiModels.resolve(request.chat.model));
    const run = await submitText(c, deps, request.chat, model);
    const meta: CompletionMeta = {
      id: `cmpl-${run.prediction.id}`,
      created: Math.floor(run.prediction.createdAt / 1000),
      model: request.chat.model,
    };
    if (request.chat.stream) return streamCompletion(c, run, meta, request);
    const whole = await wholeText(c, run);
    // Nobody is listening any more.
    if (!whole) return c.body(null);
    return c.json(completion(meta, (request.echo ?? "") + whole.text, whole.finishReason, whole.usage));
  });
  return app;
}

function streamCompletion(
  c: Context<ApiEnv>,
  run: ChatRun,
  meta: CompletionMeta,
  { chat, echo }: CompletionsRequest,
): Response {
  return streamSSE(c, async (stream) => {
    const send = (data: unknown) => stream.writeSSE({ data: JSON.stringify(data) });
    const fail = (message: string) => send(streamError(failedMessage(run, message)));
    try {
      if (echo) await send(completion(meta, echo, null));
      const end = await runChat(run, c.req.raw.signal, (text) => send(completion(meta, text, null)));
      if (end.ended === "aborted") return;
      if (end.ended === "failed") return fail(end.message);
      await send(completion(meta, "", end.finishReason));
      if (chat.includeUsage) await send({ ...completion(meta, "", null, await end.usage()), choices: [] });
      await stream.writeSSE({ data: "[DONE]" });
    } catch (error) {
      run.deps.logger.error({ err: error, prediction: run.prediction.id }, "completions stream failed");
      await fail("internal error");
    }
  });
}
