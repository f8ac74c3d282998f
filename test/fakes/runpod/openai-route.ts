/**
 * worker-vllm's OpenAI-compatible route, `/v2/{endpoint_id}/openai/v1/…` (runpod/docs
 * serverless/vllm/openai-compatibility; worker-vllm src/engine.py `OpenAIvLLMEngine`, which hands
 * the body to vLLM's own OpenAI server): `GET models` and `POST chat/completions`, whole or
 * streamed as `chat.completion.chunk` events, answered by the fake OpenAI model (answers.ts). As
 * vLLM does, it refuses a model it does not serve (404) and `tools` with the default "auto" tool
 * choice unless the worker calls tools (400); errors are vLLM's `{error: {message, type, param,
 * code}}`. The answer starts after the queue and execution delays, its chunks a token interval apart.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Context, Hono } from "hono";
import { stream } from "hono/streaming";
import type { ChatBody } from "../openai/answers.ts";
import { chatCompletion, chatCompletionChunks } from "../openai/chat-completion.ts";
import type { FakeRunpodFaults } from "./faults.ts";
import type { ResolvedEndpoint } from "./options.ts";
import type { FakeEnv } from "./request-guard.ts";

const vllmError = (c: Context<FakeEnv>, status: 400 | 404, type: string, message: string) =>
  c.json({ error: { message, type, param: null, code: status } }, status);

const servedName = (endpoint: ResolvedEndpoint) => endpoint.servedModel ?? "fake-vllm";

/** What vLLM refuses before generating, if anything. */
function refusal(c: Context<FakeEnv>, endpoint: ResolvedEndpoint, body: Partial<ChatBody> | undefined) {
  if (endpoint.worker !== "vllm")
    return c.json({ error: "this endpoint's worker does not serve the OpenAI-compatible route" }, 400);
  if (!Array.isArray(body?.messages) || body.messages.length === 0)
    return vllmError(c, 400, "BadRequestError", "messages: Field required");
  if (endpoint.servedModel !== undefined && body.model !== endpoint.servedModel)
    return vllmError(c, 404, "NotFoundError", `The model \`${body.model}\` does not exist.`);
  const auto = body.tool_choice === undefined || body.tool_choice === "auto";
  if (body.tools?.length && auto && !endpoint.toolCalling)
    return vllmError(
      c,
      400,
      "BadRequestError",
      '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
    );
  return undefined;
}

export function openAiRoutes(app: Hono<FakeEnv>, faults: FakeRunpodFaults): void {
  let calls = 0;
  const created = Math.floor(Date.now() / 1000);

  app.get("/v2/:endpointId/openai/v1/models", (c) =>
    c.json({
      object: "list",
      data: [{ id: servedName(c.get("endpoint")), object: "model", created, owned_by: "vllm" }],
    }),
  );

  app.post("/v2/:endpointId/openai/v1/chat/completions", async (c) => {
    const endpoint = c.get("endpoint");
    const refused = refusal(c, endpoint, c.get("body") as Partial<ChatBody> | undefined);
    if (refused) return refused;
    const body = c.get("body") as ChatBody;
    calls++;
    const ids = {
      id: `chatcmpl-${endpoint.id}-${calls}`,
      callId: `chatcmpl-tool-${calls}`,
      created,
      violateSchema: body.response_format?.type === "json_schema" && faults.takeViolation(endpoint.id),
    };
    await sleep(endpoint.queueMs + faults.queueDelay(endpoint.id) + endpoint.executionMs);
    if (!body.stream) return c.json(chatCompletion(body, ids));
    c.header("content-type", "text/event-stream");
    return stream(c, async (out) => {
      for (const chunk of chatCompletionChunks(body, ids)) {
        if (out.aborted) return;
        await out.write(`data: ${JSON.stringify(chunk)}\n\n`);
        await sleep(endpoint.tokenIntervalMs);
      }
      await out.write("data: [DONE]\n\n");
    });
  });
}
