/**
 * The fake's vLLM OpenAI-compatible route, used as RunPod documents it (the `openai` client with
 * base URL `…/v2/<endpoint>/openai/v1` and the RunPod key): answers in the shapes of OpenAI's
 * OpenAPI document, whole and streamed, and vLLM's refusals.
 */
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { shapeErrors } from "../openai/openapi-spec.ts";
import { type FakeRunpod, startFakeRunpod } from "./index.ts";

let fake: FakeRunpod;
const SERVED = "Qwen/Qwen3-8B";
const clientOf = (endpoint: string, apiKey = fake.apiKey) =>
  new OpenAI({ baseURL: `${fake.url}/${endpoint}/openai/v1`, apiKey, maxRetries: 0 });

beforeAll(async () => {
  fake = await startFakeRunpod({
    endpoints: {
      agent: { worker: "vllm", servedModel: SERVED, toolCalling: true, executionMs: 5, tokenIntervalMs: 5 },
      chat: { worker: "vllm", servedModel: SERVED, executionMs: 5, tokenIntervalMs: 5 },
    },
  });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );

describe("fake vLLM OpenAI-compatible route", () => {
  it("lists the served model and answers whole and streamed chats in OpenAI's shapes", async () => {
    const models = await clientOf("agent").models.list();
    expect(models.data.map((model) => model.id)).toEqual([SERVED]);

    const whole = await clientOf("agent").chat.completions.create({
      model: SERVED,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [weatherTool],
    });
    expect(shapeErrors("CreateChatCompletionResponse", whole)).toEqual([]);
    expect(whole.choices[0]?.message.tool_calls?.[0]).toMatchObject({ function: { name: "get_weather" } });

    const stream = await clientOf("agent").chat.completions.create({
      model: SERVED,
      messages: [{ role: "user", content: "hello there" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    for (const chunk of chunks) expect(shapeErrors("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(
      "You said: hello there",
    );
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 12 });
    expect(fake.requests.map((request) => [request.operation, request.jobId, request.auth])).toEqual([
      ["openai", undefined, "bearer"],
      ["openai", undefined, "bearer"],
      ["openai", undefined, "bearer"],
    ]);
  });

  it("refuses as vLLM does: a model it does not serve, tools it was not started to call, a wrong key", async () => {
    const messages = [{ role: "user" as const, content: "x" }];
    const wrongModel = await failure(clientOf("agent").chat.completions.create({ model: "other", messages }));
    expect(wrongModel).toMatchObject({
      status: 404,
      message: expect.stringMatching(/`other` does not exist/),
    });
    const noParser = await failure(
      clientOf("chat").chat.completions.create({ model: SERVED, messages, tools: [weatherTool] }),
    );
    expect(noParser).toMatchObject({
      status: 400,
      message: expect.stringMatching(/--enable-auto-tool-choice/),
    });
    // A named tool needs no parser (vLLM constrains the output to it).
    const named = await clientOf("chat").chat.completions.create({
      model: SERVED,
      messages,
      tools: [weatherTool],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    expect(named.choices[0]?.finish_reason).toBe("tool_calls");
    const wrongKey = await failure(clientOf("agent", "rpa_wrong").models.list());
    expect(wrongKey?.status).toBe(401);
  });
});
