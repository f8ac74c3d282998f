/**
 * The openai-compatible provider through gengate, with the official clients unchanged: the
 * `openai` client's tool calls (a call, the tool's result sent back, the final answer), strict
 * JSON output and streamed tool calls; the AI SDK's generateText with tools and generateObject
 * through `@ai-sdk/openai` `.chat()` and `@ai-sdk/openai-compatible`; images and embeddings; the
 * upstream's 401 and 429. The upstream is a fake speaking OpenAI's published protocol.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateObject, generateText, stepCountIs, tool } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FakeOpenAi, startFakeOpenAi } from "./fakes/openai/fake-openai.ts";
import { shapeErrors } from "./fakes/openai/openapi-spec.ts";
import { startGatewayWithConfig, TEST_TOKEN, type TestGateway } from "./support/gateway.ts";
import { expectStreamedWeatherCall, weatherTool } from "./support/openai-tool-calls.ts";

let fake: FakeOpenAi;
let gateway: TestGateway;
let client: OpenAI;

const CHAT = "openai-compatible/chat";

beforeAll(async () => {
  fake = await startFakeOpenAi();
  gateway = await startGatewayWithConfig(
    {
      providers: {
        "openai-compatible": {
          models: {
            chat: { kind: "chat", model: "fake-chat" },
            image: { kind: "image", model: "fake-image" },
            embed: { kind: "embedding", model: "fake-embed" },
          },
        },
      },
      models: {
        // every target takes tools and JSON output (the catalog says nothing: the model does)
        "compat-chat": { targets: [{ provider: "openai-compatible", model: CHAT }] },
        // routing may move on to sim/text, which takes neither
        "compat-then-sim": {
          targets: [
            { provider: "openai-compatible", model: CHAT },
            { provider: "sim", model: "sim/text" },
          ],
        },
        "compat-falls-back": {
          targets: [{ provider: "openai-compatible", model: CHAT }],
          fallback: "sim-text",
        },
        "sim-text": { targets: [{ provider: "sim", model: "sim/text" }] },
      },
      openai: { models: { "gpt-4o": CHAT } },
    },
    { OPENAI_COMPATIBLE_BASE_URL: fake.url, OPENAI_COMPATIBLE_API_KEY: fake.apiKey },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/openai/v1`, apiKey: TEST_TOKEN, maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
  await fake.close();
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.faults.violateSchema = false;
});

const chatRequests = () => fake.requests.filter((request) => request.path === "/v1/chat/completions");

describe("the openai client through the openai-compatible provider", () => {
  it("returns a tool call, takes the tool's result back, and answers", async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "developer", content: "Use the tools" },
      { role: "user", content: "Weather in Paris?" },
    ];
    const { data: first, response } = await client.chat.completions
      .create({ model: "gpt-4o", messages, tools: [weatherTool], tool_choice: "auto", presence_penalty: 0.5 })
      .withResponse();
    expect(shapeErrors("CreateChatCompletionResponse", first)).toEqual([]);
    expect(response.headers.get("x-gengate-dropped-params")).toBeNull();
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type === "function" && call.function.name).toBe("get_weather");
    expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual({ city: "Paris" });
    // What the upstream was sent: the client's tools, choice, developer message and penalty as they were.
    expect(chatRequests()[0]?.body).toMatchObject({
      model: "fake-chat",
      messages,
      tools: [weatherTool],
      tool_choice: "auto",
      presence_penalty: 0.5,
    });

    messages.push(choice?.message as OpenAI.ChatCompletionMessageParam, {
      role: "tool",
      tool_call_id: call?.id ?? "",
      content: "18 degrees, sunny",
    });
    const final = await client.chat.completions.create({ model: "gpt-4o", messages, tools: [weatherTool] });
    expect(final.choices[0]?.message.content).toBe("The tool answered: 18 degrees, sunny");
    expect(final.choices[0]?.finish_reason).toBe("stop");
    expect(chatRequests()[1]?.body.messages).toEqual(messages);
    expect(final.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 7 });
  });

  it("answers a strict json_schema with JSON that fits it", async () => {
    const answer = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "The weather as JSON" }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "weather", strict: true, schema: weatherTool.function.parameters },
      },
    });
    expect(JSON.parse(answer.choices[0]?.message.content ?? "")).toEqual({ city: "Paris" });
    expect(chatRequests()[0]?.body.response_format).toMatchObject({ type: "json_schema" });
  });

  it("streams tool calls as delta.tool_calls", async () => {
    await expectStreamedWeatherCall(client, "gpt-4o");
  });

  it("answers log probabilities, whole and streamed", async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "hi there" }];
    const whole = await client.chat.completions.create({
      model: "gpt-4o",
      messages,
      logprobs: true,
      top_logprobs: 2,
    });
    expect(shapeErrors("CreateChatCompletionResponse", whole)).toEqual([]);
    const content = whole.choices[0]?.logprobs?.content ?? [];
    expect(content.map((entry) => entry.token).join("")).toBe("You said: hi there");
    expect(content[0]?.top_logprobs).toHaveLength(2);
    expect(chatRequests()[0]?.body).toMatchObject({ logprobs: true, top_logprobs: 2 });

    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages,
      logprobs: true,
      stream: true,
    });
    const streamed: string[] = [];
    for await (const chunk of stream) {
      expect(shapeErrors("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
      for (const entry of chunk.choices[0]?.logprobs?.content ?? []) streamed.push(entry.token);
    }
    expect(streamed.join("")).toBe("You said: hi there");
  });

  it("makes images and embeddings on the upstream", async () => {
    const images = await client.images.generate({
      model: "openai-compatible/image",
      prompt: "a fox",
      n: 2,
      size: "256x256",
    });
    expect(images.data).toHaveLength(2);
    expect(fake.requests.find((request) => request.path === "/v1/images/generations")?.body).toMatchObject({
      model: "fake-image",
      prompt: "a fox",
      n: 2,
    });
    const vectors = await client.embeddings.create({
      model: "openai-compatible/embed",
      input: ["a fox", "a hen"],
    });
    expect(shapeErrors("CreateEmbeddingResponse", vectors)).toEqual([]);
    expect(vectors.data.map((item) => item.index)).toEqual([0, 1]);
    expect(vectors.data[0]?.embedding).toHaveLength(8);
  });
});

describe("n choices on the upstream", () => {
  it("asks the upstream once per choice, each a prediction of its own, plain and streamed", async () => {
    const completion = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi there" }],
      n: 3,
    });
    expect(shapeErrors("CreateChatCompletionResponse", completion)).toEqual([]);
    expect(completion.choices.map((choice) => [choice.index, choice.message.content])).toEqual([
      [0, "You said: hi there"],
      [1, "You said: hi there"],
      [2, "You said: hi there"],
    ]);
    expect(chatRequests()).toHaveLength(3);
    for (const request of chatRequests()) expect(request.body).not.toHaveProperty("n");

    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi there" }],
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts = ["", ""];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(shapeErrors("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
      for (const choice of chunk.choices) texts[choice.index] += choice.delta.content ?? "";
      usage = chunk.usage ?? usage;
    }
    expect(texts).toEqual(["You said: hi there", "You said: hi there"]);
    expect(usage?.completion_tokens).toBe((2 * (completion.usage?.completion_tokens ?? 0)) / 3);
    expect(chatRequests()).toHaveLength(5);
  });
});

describe("aliases: tools and JSON output only where every target routing may reach honours them", () => {
  const json = {
    type: "json_schema" as const,
    json_schema: { name: "weather", strict: true, schema: weatherTool.function.parameters },
  };
  const weather = [{ role: "user" as const, content: "Weather in Paris?" }];

  it("passes tools and response_format through an alias whose every target takes them", async () => {
    const called = await client.chat.completions.create({
      model: "compat-chat",
      messages: weather,
      tools: [weatherTool],
    });
    expect(called.choices[0]?.finish_reason).toBe("tool_calls");
    const answer = await client.chat.completions.create({
      model: "compat-chat",
      messages: [{ role: "user", content: "The weather as JSON" }],
      response_format: json,
    });
    expect(JSON.parse(answer.choices[0]?.message.content ?? "")).toEqual({ city: "Paris" });
  });

  it.each(["compat-then-sim", "compat-falls-back"])(
    "refuses them for %s, which may fall back to a model without them, creating nothing",
    async (model) => {
      const before = (await gateway.engine.list({ limit: 1000 })).length;
      const refusal = (body: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>) =>
        client.chat.completions.create({ model, messages: weather, ...body }).then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(await refusal({ tools: [weatherTool] })).toMatchObject({
        status: 400,
        error: { param: "tools", code: "unsupported_parameter" },
      });
      expect(await refusal({ response_format: json })).toMatchObject({
        status: 400,
        error: { param: "response_format", code: "unsupported_parameter" },
      });
      expect(await refusal({ response_format: { type: "json_object" } })).toMatchObject({
        status: 400,
        error: { param: "response_format", code: "unsupported_parameter" },
      });
      expect((await gateway.engine.list({ limit: 1000 })).length).toBe(before);
      expect(chatRequests()).toHaveLength(0);
    },
  );
});

describe("bad input and answers that do not fit", () => {
  const expectError = async (
    promise: Promise<unknown>,
    status: number,
    param: string | null,
    text: RegExp,
  ) => {
    const error = await promise.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(status);
    expect(apiError.param ?? null).toBe(param);
    expect(apiError.message).toMatch(text);
  };

  it("refuses a tool whose parameters are not a JSON Schema, and a tool_choice naming no tool", async () => {
    const badTool = { ...weatherTool, function: { ...weatherTool.function, parameters: { type: "objekt" } } };
    await expectError(
      client.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "x" }],
        tools: [badTool],
      }),
      400,
      "tools[0].function.parameters",
      /Invalid schema/,
    );
    await expectError(
      client.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "x" }],
        tools: [weatherTool],
        tool_choice: { type: "function", function: { name: "get_time" } },
      }),
      400,
      "tool_choice",
      /names no tool.*get_time/,
    );
    expect(chatRequests()).toHaveLength(0);
  });

  it("fails an answer that violates a strict json_schema, asking the upstream once", async () => {
    fake.faults.violateSchema = true;
    const { data: list } = await gateway
      .api("/v1/predictions")
      .then(async (r) => ({ data: (await r.json()) as { results: unknown[] } }));
    await expectError(
      client.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "The weather as JSON" }],
        response_format: {
          type: "json_schema",
          json_schema: { name: "weather", strict: true, schema: weatherTool.function.parameters },
        },
      }),
      502,
      null,
      /does not match response_format\.json_schema\.schema \(strict\).*city/,
    );
    expect(chatRequests()).toHaveLength(1);
    const after = (await (await gateway.api("/v1/predictions")).json()) as {
      results: { status: string; error: string }[];
    };
    expect(after.results.length).toBe(list.results.length + 1);
    expect(after.results[0]?.status).toBe("failed");
  });

  it("refuses a conversation with tool results for a model that cannot read them", async () => {
    const response = await gateway.api("/openai/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "llama-3-8b-instruct",
        messages: [
          { role: "user", content: "x" },
          { role: "tool", tool_call_id: "call_1", content: "18" },
        ],
      }),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { param: string; code: string } };
    expect(error).toMatchObject({ param: "messages[1]", code: "unsupported_parameter" });
  });
});

describe("the AI SDK through the openai-compatible provider", () => {
  const weather = tool({
    description: "The weather in a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => `${city}: 18 degrees`,
  });
  const openai = () => createOpenAI({ baseURL: `${gateway.url}/openai/v1`, apiKey: TEST_TOKEN });
  const compatible = () =>
    createOpenAICompatible({
      name: "gengate",
      baseURL: `${gateway.url}/openai/v1`,
      apiKey: TEST_TOKEN,
      // gengate passes json_schema through to this model: generateObject sends it instead of json_object.
      supportsStructuredOutputs: true,
    });

  for (const [name, model] of [
    ["@ai-sdk/openai .chat()", () => openai().chat("gpt-4o")],
    ["@ai-sdk/openai-compatible", () => compatible().chatModel("gpt-4o")],
  ] as const) {
    it(`generateText calls the tool and answers with its result (${name})`, async () => {
      const result = await generateText({
        model: model(),
        prompt: "Weather in Paris?",
        tools: { weather },
        stopWhen: stepCountIs(3),
      });
      expect(result.steps[0]?.toolCalls[0]).toMatchObject({ toolName: "weather", input: { city: "Paris" } });
      expect(result.text).toBe("The tool answered: Paris: 18 degrees");
    });

    it(`generateObject answers an object of the schema (${name})`, async () => {
      const { object } = await generateObject({
        model: model(),
        schema: z.object({ city: z.string(), degrees: z.number() }),
        prompt: "The weather in Paris",
      });
      expect(object).toEqual({ city: "Paris", degrees: 21 });
    });
  }
});

describe("the upstream's refusals", () => {
  it("waits out a 429 with Retry-After and then answers", async () => {
    fake.faults.rateLimited = 1;
    fake.faults.retryAfterSeconds = 1;
    const answer = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(answer.choices[0]?.message.content).toBe("You said: hi");
    expect(chatRequests()).toHaveLength(2);
  });
});
