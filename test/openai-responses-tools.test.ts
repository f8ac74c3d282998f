/**
 * Tools and JSON output on OpenAI's Responses API, for a model that takes them natively (the
 * openai-compatible provider, against a fake upstream speaking OpenAI's published protocol), with
 * the official clients unchanged: the `openai` client's `responses.create` returning a function
 * call, taking its output back and answering, whole and streamed (every answer and event checked
 * against OpenAI's OpenAPI document); strict `json_schema` output, checked before anyone sees it;
 * what the Responses API cannot answer even for this model refused; the AI SDK's default OpenAI
 * model (which speaks the Responses API) with `generateText`/`streamText` and tools, and
 * `generateObject`.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { generateObject, generateText, stepCountIs, streamText, tool } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FakeOpenAi, startFakeOpenAi } from "./fakes/openai/fake-openai.ts";
import { responseEventSchema, shapeErrors } from "./fakes/openai/openapi-spec.ts";
import { startGatewayWithConfig, TEST_TOKEN, type TestGateway } from "./support/gateway.ts";

let fake: FakeOpenAi;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  gateway = await startGatewayWithConfig(
    {
      providers: { "openai-compatible": { models: { chat: { kind: "chat", model: "fake-chat" } } } },
      openai: { models: { "gpt-4o": "openai-compatible/chat" } },
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

const cityParameters = {
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
  additionalProperties: false,
};
const weatherTool: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "The weather in a city",
  parameters: cityParameters,
  strict: true,
};
const timeTool: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_time",
  parameters: { type: "object", properties: { zone: { type: "string" } } },
  strict: false,
};

const chatRequests = () => fake.requests.filter((request) => request.path === "/v1/chat/completions");

const collect = async (stream: AsyncIterable<OpenAI.Responses.ResponseStreamEvent>) => {
  const events: OpenAI.Responses.ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  for (const event of events)
    expect(shapeErrors(responseEventSchema(event.type), event), event.type).toEqual([]);
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  return events;
};

describe("responses.create with function tools", () => {
  it("returns a function call, takes its output back, and answers", async () => {
    const input: OpenAI.Responses.ResponseInput = [
      { role: "developer", content: "Use the tools" },
      { role: "user", content: "Weather in Paris?" },
    ];
    const { data: first, response } = await client.responses
      .create({
        model: "gpt-4o",
        instructions: "Be brief",
        input,
        tools: [timeTool, weatherTool],
        tool_choice: { type: "function", name: "get_weather" },
        temperature: 0.2,
      })
      .withResponse();
    expect(shapeErrors("Response", first)).toEqual([]);
    expect(response.headers.get("x-gengate-dropped-params")).toBeNull();
    expect(first.status).toBe("completed");
    expect(first.output).toHaveLength(1);
    const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({
      type: "function_call",
      id: expect.stringMatching(/^fc_/),
      call_id: expect.stringMatching(/^call_/),
      name: "get_weather",
      status: "completed",
    });
    expect(JSON.parse(call.arguments)).toEqual({ city: "Paris" });
    expect(first.tools).toEqual([timeTool, weatherTool]);
    // What the upstream was sent: chat completions' spelling of the same request.
    expect(chatRequests()[0]?.body).toMatchObject({
      model: "fake-chat",
      messages: [
        { role: "system", content: "Be brief" },
        { role: "developer", content: "Use the tools" },
        { role: "user", content: "Weather in Paris?" },
      ],
      tools: [
        {
          type: "function",
          function: { name: "get_time", parameters: timeTool.parameters, strict: false },
        },
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "The weather in a city",
            parameters: cityParameters,
            strict: true,
          },
        },
      ],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      temperature: 0.2,
    });

    const final = await client.responses.create({
      model: "gpt-4o",
      input: [...input, call, { type: "function_call_output", call_id: call.call_id, output: "18 degrees" }],
      tools: [weatherTool],
    });
    expect(shapeErrors("Response", final)).toEqual([]);
    expect(final.output_text).toBe("The tool answered: 18 degrees");
    expect(final.output.map((item) => item.type)).toEqual(["message"]);
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 7 });
    expect(chatRequests()[1]?.body.messages).toEqual([
      { role: "developer", content: "Use the tools" },
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: call.call_id,
            type: "function",
            function: { name: "get_weather", arguments: call.arguments },
          },
        ],
      },
      { role: "tool", tool_call_id: call.call_id, content: "18 degrees" },
    ]);
  });

  it("streams the function call as OpenAI's events, in order, then its answer", async () => {
    const input: OpenAI.Responses.ResponseInput = [{ role: "user", content: "Weather in Paris?" }];
    const events = await collect(
      await client.responses.create({ model: "gpt-4o", input, tools: [weatherTool], stream: true }),
    );
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const added = events[2] as OpenAI.Responses.ResponseOutputItemAddedEvent;
    expect(added.item).toMatchObject({ type: "function_call", status: "in_progress", name: "get_weather" });
    const delta = events[3] as OpenAI.Responses.ResponseFunctionCallArgumentsDeltaEvent;
    const done = events[4] as OpenAI.Responses.ResponseFunctionCallArgumentsDoneEvent;
    expect(delta.item_id).toBe(added.item.id);
    expect(JSON.parse(delta.delta)).toEqual({ city: "Paris" });
    expect(done).toMatchObject({ item_id: added.item.id, output_index: 0, arguments: delta.delta });
    const completed = (events.at(-1) as OpenAI.Responses.ResponseCompletedEvent).response;
    expect(completed.output).toEqual([(events[5] as OpenAI.Responses.ResponseOutputItemDoneEvent).item]);
    const call = completed.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ id: added.item.id, status: "completed", arguments: delta.delta });

    const answer = await collect(
      await client.responses.create({
        model: "gpt-4o",
        input: [
          ...input,
          call,
          { type: "function_call_output", call_id: call.call_id, output: "18 degrees" },
        ],
        tools: [weatherTool],
        stream: true,
      }),
    );
    const text = answer
      .filter((event) => event.type === "response.output_text.delta")
      .map((event) => event.delta)
      .join("");
    expect(text).toBe("The tool answered: 18 degrees");
    expect(answer.map((event) => event.type).at(-1)).toBe("response.completed");
    expect(answer.some((event) => event.type.startsWith("response.function_call"))).toBe(false);
  });
});

describe("an answer of text and a function call", () => {
  const input = "Think aloud: weather in Paris?";

  it("has the message first, then the function call", async () => {
    const answer = await client.responses.create({ model: "gpt-4o", input, tools: [weatherTool] });
    expect(shapeErrors("Response", answer)).toEqual([]);
    expect(answer.output.map((item) => item.type)).toEqual(["message", "function_call"]);
    expect(answer.output_text).toBe("Let me check the tool. ");
  });

  it("streams the message's events, then the call's at the next output index", async () => {
    const events = await collect(
      await client.responses.create({ model: "gpt-4o", input, tools: [weatherTool], stream: true }),
    );
    const types = events.map((event) => event.type);
    const deltas = types.filter((type) => type === "response.output_text.delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...deltas,
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const indices = events.flatMap((event) => ("output_index" in event ? [event.output_index] : []));
    expect(indices).toEqual([0, 0, ...deltas.map(() => 0), 0, 0, 0, 1, 1, 1, 1]);
    const completed = (events.at(-1) as OpenAI.Responses.ResponseCompletedEvent).response;
    expect(completed.output.map((item) => item.type)).toEqual(["message", "function_call"]);
  });
});

describe("references to an earlier answer's items", () => {
  it("reads a function call by reference as the call the model made", async () => {
    const input = "Think aloud: weather in Paris?";
    const first = await client.responses.create({ model: "gpt-4o", input, tools: [weatherTool] });
    const [message, call] = first.output as [
      OpenAI.Responses.ResponseOutputMessage,
      OpenAI.Responses.ResponseFunctionToolCall,
    ];
    const final = await client.responses.create({
      model: "gpt-4o",
      input: [
        { role: "user", content: input },
        { type: "item_reference", id: message.id },
        { type: "item_reference", id: call.id as string },
        { type: "function_call_output", call_id: call.call_id, output: "18 degrees" },
      ],
      tools: [weatherTool],
    });
    expect(final.output_text).toBe("The tool answered: 18 degrees");
    expect(chatRequests()[1]?.body.messages).toEqual([
      { role: "user", content: input },
      {
        role: "assistant",
        content: "Let me check the tool. ",
        tool_calls: [
          {
            id: call.call_id,
            type: "function",
            function: { name: "get_weather", arguments: call.arguments },
          },
        ],
      },
      { role: "tool", tool_call_id: call.call_id, content: "18 degrees" },
    ]);
  });

  it("refuses a reference to a call the answer did not make, asking the upstream nothing", async () => {
    const first = await client.responses.create({
      model: "gpt-4o",
      input: "Weather in Paris?",
      tools: [weatherTool],
    });
    const missing = `fc_${first.id.replace(/^resp_/, "")}_1`;
    const count = chatRequests().length;
    const response = await gateway.api("/openai/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", input: [{ type: "item_reference", id: missing }] }),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { param: string; message: string } };
    expect(error).toMatchObject({ param: "input[0]", message: expect.stringContaining(missing) });
    expect(chatRequests()).toHaveLength(count);
  });
});

describe("responses.create with JSON output", () => {
  const format = { type: "json_schema" as const, name: "weather", strict: true, schema: cityParameters };

  it("answers a strict json_schema with JSON that fits it", async () => {
    const answer = await client.responses.create({
      model: "gpt-4o",
      input: "The weather as JSON",
      text: { format },
    });
    expect(shapeErrors("Response", answer)).toEqual([]);
    expect(JSON.parse(answer.output_text)).toEqual({ city: "Paris" });
    expect(answer.text?.format).toEqual(format);
    expect(chatRequests()[0]?.body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "weather", strict: true, schema: cityParameters },
    });
  });

  it("answers json_object", async () => {
    const answer = await client.responses.create({
      model: "gpt-4o",
      input: "The weather as JSON",
      text: { format: { type: "json_object" } },
    });
    expect(JSON.parse(answer.output_text)).toEqual({ answer: "Paris" });
    expect(chatRequests()[0]?.body.response_format).toEqual({ type: "json_object" });
  });

  it("fails an answer that violates a strict json_schema, whole and streamed, asking the upstream once each", async () => {
    fake.faults.violateSchema = true;
    const error = await client.responses
      .create({ model: "gpt-4o", input: "The weather as JSON", text: { format } })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((error as Error).message).toMatch(
      /does not match response_format\.json_schema\.schema \(strict\).*city/,
    );
    expect(chatRequests()).toHaveLength(1);

    const events = await collect(
      await client.responses.create({
        model: "gpt-4o",
        input: "The weather as JSON",
        text: { format },
        stream: true,
      }),
    );
    // The text that did not fit is never shown.
    expect(events.some((event) => event.type === "response.output_text.delta")).toBe(false);
    const failed = events.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    expect(failed.type).toBe("response.failed");
    expect(failed.response.error?.message).toMatch(/strict/);
    expect(chatRequests()).toHaveLength(2);
  });

  it("refuses a text.format schema that is not a JSON Schema, asking the upstream nothing", async () => {
    const response = await gateway.api("/openai/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o",
        input: "x",
        text: { format: { ...format, schema: { type: "objekt" } } },
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      param: "text.format.schema",
      code: "invalid_value",
    });
    expect(chatRequests()).toHaveLength(0);
  });
});

describe("what this model cannot be asked through the Responses API either", () => {
  it.each([
    ["log probabilities", { top_logprobs: 2 }, "top_logprobs"],
    ["log probabilities by include", { include: ["message.output_text.logprobs"] }, "include"],
    ["a hosted tool", { tools: [{ type: "web_search" }] }, "tools[0]"],
    ["a custom tool", { tools: [{ type: "custom", name: "sql" }] }, "tools[0]"],
  ])(
    "refuses %s with OpenAI's 400 naming the param, asking the upstream nothing",
    async (_, extra, param) => {
      const response = await gateway.api("/openai/v1/responses", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", input: "Weather in Paris?", ...extra }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: unknown }).error).toMatchObject({
        type: "invalid_request_error",
        param,
        code: "unsupported_parameter",
      });
      expect(chatRequests()).toHaveLength(0);
    },
  );
});

describe("the AI SDK's default OpenAI model (the Responses API)", () => {
  const openai = () => createOpenAI({ baseURL: `${gateway.url}/openai/v1`, apiKey: TEST_TOKEN });
  const weather = tool({
    description: "The weather in a city",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => `${city}: 18 degrees`,
  });

  it("generateText calls the tool and answers with its result", async () => {
    const result = await generateText({
      model: openai()("gpt-4o"),
      prompt: "Weather in Paris?",
      tools: { weather },
      stopWhen: stepCountIs(3),
    });
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({ toolName: "weather", input: { city: "Paris" } });
    expect(result.steps[0]?.finishReason).toBe("tool-calls");
    expect(result.text).toBe("The tool answered: Paris: 18 degrees");
    expect(result.response.id).toMatch(/^resp_/);
    expect(chatRequests()).toHaveLength(2);
  });

  it("generateText refers to a step's text and call by reference (store left on) and answers", async () => {
    const sent: { input: unknown[] }[] = [];
    const recording = createOpenAI({
      baseURL: `${gateway.url}/openai/v1`,
      apiKey: TEST_TOKEN,
      fetch: async (url, init) => {
        sent.push(JSON.parse(String(init?.body)));
        return fetch(url, init);
      },
    });
    const result = await generateText({
      model: recording("gpt-4o"),
      prompt: "Think aloud: weather in Paris?",
      tools: { weather },
      stopWhen: stepCountIs(3),
    });
    expect(result.steps[0]?.text).toBe("Let me check the tool. ");
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({ toolName: "weather", input: { city: "Paris" } });
    expect(result.text).toBe("The tool answered: Paris: 18 degrees");
    const predictionId = result.steps[0]?.response.id.replace(/^resp_/, "");
    expect(sent[1]?.input).toContainEqual({ type: "item_reference", id: `msg_${predictionId}` });
    const [, second] = chatRequests();
    const call = result.steps[0]?.toolCalls[0];
    // The upstream read the earlier step whole: the text it was answered, then its call.
    expect(second?.body.messages).toEqual([
      { role: "user", content: "Think aloud: weather in Paris?" },
      {
        role: "assistant",
        content: "Let me check the tool. ",
        tool_calls: [
          {
            id: call?.toolCallId,
            type: "function",
            function: { name: "weather", arguments: JSON.stringify({ city: "Paris" }) },
          },
        ],
      },
      { role: "tool", tool_call_id: call?.toolCallId, content: expect.stringContaining("Paris: 18 degrees") },
    ]);
  });

  it("streamText calls the tool and streams the answer", async () => {
    const result = streamText({
      model: openai()("gpt-4o"),
      prompt: "Weather in Paris?",
      tools: { weather },
      stopWhen: stepCountIs(3),
    });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe("The tool answered: Paris: 18 degrees");
    expect((await result.steps)[0]?.toolCalls[0]).toMatchObject({
      toolName: "weather",
      input: { city: "Paris" },
    });
  });

  it("generateObject answers an object of the schema", async () => {
    const { object } = await generateObject({
      model: openai()("gpt-4o"),
      schema: z.object({ city: z.string(), degrees: z.number() }),
      prompt: "The weather in Paris",
    });
    expect(object).toEqual({ city: "Paris", degrees: 21 });
    expect(chatRequests()[0]?.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "response", strict: true },
    });
  });
});
