/**
 * `POST /responses`, OpenAI's Responses API (the AI SDK's default OpenAI model uses it): the
 * request runs as a chat prediction of a text model, through the same queue, rate limits,
 * fallbacks and budgets, and is answered as one response object or streamed as `response.*`
 * events: the message's text as it comes, then the model's function calls. gengate keeps no
 * response state: every request carries its whole conversation (earlier answers' items
 * themselves, or references to them, read back from their predictions).
 */
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { ownerScope } from "../auth.ts";
import { limitBody } from "../body-limit.ts";
import { readJson } from "../request-body.ts";
import { resolveChatModel } from "./chat-model.ts";
import { type ChatRun, runChat } from "./chat-run.ts";
import { resolveReferences } from "./responses-references.ts";
import { parseResponsesRequest } from "./responses-request.ts";
import { endingOf, hasMessage, type ResponseMeta, responseObject, streamEvents } from "./responses-shapes.ts";
import { failedMessage, submitText, wholeText } from "./text-submit.ts";

export function responsesRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post("/responses", limitBody(deps.config.maxBodyBytes), async (c) => {
    const body = await resolveReferences(await readJson(c, z.unknown()), (id) =>
      deps.engine.get(id, ownerScope(c.get("token"))).catch((error: unknown) => {
        if (GatewayError.from(error).code === "not_found") return undefined;
        throw error;
      }),
    );
    const { chat, echo } = parseResponsesRequest(body);
    const model = await resolveChatModel(deps.engine, deps.openAiModels.resolve(chat.model));
    const run = await submitText(c, deps, chat, model);
    const meta: ResponseMeta = {
      id: `resp_${run.prediction.id}`,
      itemId: `msg_${run.prediction.id}`,
      callItemPrefix: `fc_${run.prediction.id}`,
      createdAt: Math.floor(run.prediction.createdAt / 1000),
      model: chat.model,
      echo,
    };
    if (chat.stream) return streamResponse(c, run, meta);
    const whole = await wholeText(c, run);
    // Nobody is listening any more.
    if (!whole) return c.body(null);
    return c.json(
      responseObject(meta, {
        ...endingOf(whole.finishReason),
        text: whole.text,
        toolCalls: whole.toolCalls,
        usage: whole.usage,
      }),
    );
  });
  return app;
}

function streamResponse(c: Context<ApiEnv>, run: ChatRun, meta: ResponseMeta): Response {
  const events = streamEvents(meta);
  return streamSSE(c, async (stream) => {
    let sequence = 0;
    const send = (event: { type: string }) =>
      stream.writeSSE({ event: event.type, data: JSON.stringify({ ...event, sequence_number: sequence++ }) });
    await send(events.created());
    await send(events.inProgress());
    let text = "";
    let messageStarted = false;
    // The message starts with its first text: an answer of tool calls alone has none.
    const startMessage = async () => {
      if (messageStarted) return;
      messageStarted = true;
      await send(events.itemAdded());
      await send(events.partAdded());
    };
    // A failed response's output is the message the client was shown, if any.
    const shown = () => (messageStarted ? text : undefined);
    try {
      const end = await runChat(run, c.req.raw.signal, async (delta) => {
        await startMessage();
        text += delta;
        await send(events.delta(delta));
      });
      if (end.ended === "aborted") return;
      if (end.ended === "failed") {
        await send(events.ended({ status: "failed", text: shown(), error: failedMessage(run, end.message) }));
        return;
      }
      const ending = endingOf(end.finishReason);
      const { toolCalls } = end;
      if (hasMessage(text, toolCalls)) {
        await startMessage();
        await send(events.textDone(text));
        await send(events.partDone(text));
        await send(events.itemDone(text, ending.status));
      }
      const first = messageStarted ? 1 : 0;
      for (const [index, call] of toolCalls.entries()) {
        await send(events.callAdded(call, index, first + index));
        await send(events.argumentsDelta(call, index, first + index));
        await send(events.argumentsDone(call, index, first + index));
        await send(events.callDone(call, index, first + index));
      }
      await send(events.ended({ ...ending, text, toolCalls, usage: await end.usage() }));
    } catch (error) {
      run.deps.logger.error({ err: error, prediction: run.prediction.id }, "responses stream failed");
      await send(
        events.ended({ status: "failed", text: shown(), error: failedMessage(run, "internal error") }),
      );
    }
  });
}
