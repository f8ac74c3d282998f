/**
 * The legacy `POST /completions`: a prompt completed as it is by a text model (a prediction per
 * choice when `n` > 1), through the same queue, rate limits, fallbacks and budgets as chat,
 * answered as a `text_completion` whole or streamed (chunks of the same shape, then `data: [DONE]`).
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
import type { ChatRun } from "./chat-run.ts";
import { sumUsage } from "./chat-usage.ts";
import { runChoices } from "./choices.ts";
import { type CompletionsRequest, parseCompletionsRequest } from "./completions-request.ts";
import { type Choices, failedMessage, submitTexts, wholeTexts } from "./text-submit.ts";

const choice = (index: number, text: string, finishReason: ChatFinishReason | null) => ({
  text,
  index,
  logprobs: null,
  finish_reason: finishReason,
});

const completion = (meta: CompletionMeta, choices: ReturnType<typeof choice>[]) => ({
  ...meta,
  object: "text_completion",
  choices,
});

/** A streamed chunk: a piece of one choice. */
const chunk = (meta: CompletionMeta, index: number, text: string, finishReason: ChatFinishReason | null) =>
  completion(meta, [choice(index, text, finishReason)]);

export function completionsRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post("/completions", limitBody(deps.config.maxBodyBytes), async (c) => {
    const request = parseCompletionsRequest(await readJson(c, z.unknown()));
    const model = await resolveChatModel(deps.engine, deps.openAiModels.resolve(request.chat.model));
    const runs = await submitTexts(c, deps, request.chat, model);
    // The completion is named after its first choice's prediction.
    const { prediction } = runs[0];
    const meta: CompletionMeta = {
      id: `cmpl-${prediction.id}`,
      created: Math.floor(prediction.createdAt / 1000),
      model: request.chat.model,
    };
    if (request.chat.stream) return streamCompletion(c, runs, meta, request);
    const answers = await wholeTexts(c, runs);
    // Nobody is listening any more.
    if (!answers) return c.body(null);
    const echo = request.echo ?? "";
    const choices = answers.map(({ text, finishReason }, index) => choice(index, echo + text, finishReason));
    return c.json({ ...completion(meta, choices), usage: sumUsage(answers.map((answer) => answer.usage)) });
  });
  return app;
}

function streamCompletion(
  c: Context<ApiEnv>,
  runs: Choices,
  meta: CompletionMeta,
  { chat, echo }: CompletionsRequest,
): Response {
  return streamSSE(c, async (stream) => {
    const send = (data: unknown) => stream.writeSSE({ data: JSON.stringify(data) });
    const fail = (run: ChatRun, message: string) => send(streamError(failedMessage(run, message)));
    try {
      if (echo) for (const index of runs.keys()) await send(chunk(meta, index, echo, null));
      const end = await runChoices(
        runs,
        c.req.raw.signal,
        (index, text) => send(chunk(meta, index, text, null)),
        (index, { finishReason }) => send(chunk(meta, index, "", finishReason)),
      );
      if (end.ended === "aborted") return;
      if (end.ended === "failed") return fail(end.run, end.message);
      if (chat.includeUsage) {
        const usage = sumUsage(await Promise.all(end.ends.map((each) => each.usage())));
        await send({ ...completion(meta, []), usage });
      }
      await stream.writeSSE({ data: "[DONE]" });
    } catch (error) {
      const [first] = runs;
      first.deps.logger.error({ err: error, prediction: first.prediction.id }, "completions stream failed");
      await fail(first, "internal error");
    }
  });
}
