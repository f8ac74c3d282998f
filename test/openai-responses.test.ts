/**
 * OpenAI's Responses API through the official `openai` client and the AI SDK (whose default OpenAI
 * model speaks it), on the simulator's text model: whole and streamed answers checked against
 * OpenAI's published OpenAPI document, the token limit as an incomplete response, parameters a
 * model cannot honour (tools, JSON output) refused or named, and what needs state gengate does not
 * keep refused. Tools and JSON output on a model that takes them: openai-responses-tools.test.ts.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, streamText } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { responseEventSchema, shapeErrors } from "./fakes/openai/openapi-spec.ts";
import {
  newTenant,
  startGatewayWithConfig,
  TEST_TOKEN,
  type Tenant,
  type TestGateway,
} from "./support/gateway.ts";

let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startGatewayWithConfig({
    models: {
      "sim-chat": {
        targets: [{ provider: "sim", model: "sim/text", input: { token_interval_ms: 5, max_tokens: 12 } }],
      },
      "sim-free": { targets: [{ provider: "sim", model: "sim/text", input: { token_interval_ms: 5 } }] },
      // sim/text echoes the prompt's first words: with a turn marker among them, the answer ends there
      "sim-chatml": {
        targets: [
          {
            provider: "sim",
            model: "sim/text",
            input: { token_interval_ms: 5 },
            capabilities: { promptTemplate: "chatml" },
          },
        ],
      },
      "sim-broken": { targets: [{ provider: "sim", model: "sim/text", input: { fail: "out of words" } }] },
    },
    openai: { models: { "gpt-4o": "sim-chat" } },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/openai/v1`, apiKey: TEST_TOKEN, maxRetries: 0 });
});

afterAll(() => gateway.close());

const predictionOf = (responseId: string) => gateway.engine.waitFor(responseId.replace(/^resp_/, ""), 10_000);
const predictionCount = async () => (await gateway.engine.list({ limit: 1000 })).length;

interface Answer {
  status: number;
  json: { store?: boolean; error: { message: string } & Record<string, unknown> };
  dropped: string | null;
}

async function post(body: unknown): Promise<Answer> {
  const response = await fetch(`${gateway.url}/openai/v1/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    json: await response.json(),
    dropped: response.headers.get("x-gengate-dropped-params"),
  };
}

describe("responses.create", () => {
  it("answers a string input as OpenAI's response object, with usage", async () => {
    const { data, response } = await client.responses
      .create({ model: "sim-chatml", input: "Hi there", instructions: "Be brief", temperature: 0.5 })
      .withResponse();
    expect(shapeErrors("Response", data)).toEqual([]);
    expect(data.status).toBe("completed");
    expect(data.model).toBe("sim-chatml");
    expect(data.instructions).toBe("Be brief");
    expect(data.temperature).toBe(0.5);
    expect(data.output_text).toBe("<|im_start|>system Be brief");
    expect(data.usage?.output_tokens).toBeGreaterThan(0);
    expect(data.usage?.input_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe((data.usage?.input_tokens ?? 0) + (data.usage?.output_tokens ?? 0));
    expect(response.headers.get("x-gengate-dropped-params")).toBeNull();
    const prediction = await predictionOf(data.id);
    expect(prediction.model).toBe("gengate/sim-chatml");
    expect(prediction.input).toMatchObject({ temperature: 0.5 });
    expect(String(prediction.input.prompt)).toContain("<|im_start|>user\nHi there<|im_end|>");
  });

  it("says a response that reached the model's token limit is incomplete", async () => {
    const data = await client.responses.create({ model: "gpt-4o", input: "Harbor lights at dusk" });
    expect(shapeErrors("Response", data)).toEqual([]);
    expect(data.model).toBe("gpt-4o");
    expect(data.status).toBe("incomplete");
    expect(data.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(data.output_text.startsWith("Harbor lights at dusk")).toBe(true);
    expect(data.output_text.split(" ")).toHaveLength(12);
    expect(data.usage?.output_tokens).toBe(12);
    expect((await predictionOf(data.id)).model).toBe("gengate/sim-chat");
  });

  it("reads a list of message items, developer and assistant turns included", async () => {
    const data = await client.responses.create({
      model: "sim-chat",
      input: [
        { role: "developer", content: "Answer in prose" },
        { role: "user", content: "First question" },
        {
          type: "message",
          role: "assistant",
          content: [{ type: "output_text", text: "First answer", annotations: [] }],
        },
        { role: "user", content: [{ type: "input_text", text: "Second question" }] },
      ],
    } as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    const prediction = await predictionOf(data.id);
    expect(prediction.input.system_prompt).toBe("Answer in prose");
    expect(prediction.input.prompt).toBe(
      "User: First question\nAssistant: First answer\nUser: Second question\nAssistant:",
    );
  });

  it("ends at max_output_tokens as an incomplete response", async () => {
    const data = await client.responses.create({
      model: "sim-free",
      input: "Count the boats",
      max_output_tokens: 5,
    });
    expect(shapeErrors("Response", data)).toEqual([]);
    expect(data.status).toBe("incomplete");
    expect(data.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(data.output_text.split(" ")).toHaveLength(5);
    expect((await predictionOf(data.id)).input.max_tokens).toBe(5);
  });

  it("streams OpenAI's events in order, each fitting the document, the deltas making the text", async () => {
    const stream = await client.responses.create({ model: "sim-chatml", input: "Hi there", stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    for (const event of events)
      expect(shapeErrors(responseEventSchema(event.type), event), event.type).toEqual([]);
    const deltas = events.filter((event) => event.type === "response.output_text.delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...deltas.map(() => "response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const text = deltas.map((event) => event.delta).join("");
    expect(text).toBe("<|im_start|>user Hi there");
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.output_text).toBe(text);
    expect(completed.response.status).toBe("completed");
    expect(completed.response.usage?.output_tokens).toBeGreaterThan(0);
  });

  it("streams a failed prediction as response.failed", async () => {
    const stream = await client.responses.create({ model: "sim-broken", input: "hello", stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const last = events.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    expect(shapeErrors(responseEventSchema(last.type), last)).toEqual([]);
    expect(last.type).toBe("response.failed");
    expect(last.response.error?.message).toContain("out of words");
    // No text came: no message was started, and the failed response has none.
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.failed",
    ]);
    expect(last.response.output).toEqual([]);
  });
});

describe("what a model cannot honour", () => {
  it("drops top_p for a model without it, and says so", async () => {
    const answer = await post({ model: "sim-chat", input: "hi", top_p: 0.9, store: true });
    expect(answer.status).toBe(200);
    expect(answer.dropped?.split(", ")).toEqual(expect.arrayContaining(["top_p", "store"]));
    expect(answer.json.store).toBe(false);
  });

  it.each([
    [
      "function tools",
      { tools: [{ type: "function", name: "weather", parameters: { type: "object" } }] },
      "tools",
      "unsupported_parameter",
    ],
    ["a hosted tool", { tools: [{ type: "web_search" }] }, "tools[0]", "unsupported_parameter"],
    ["a custom tool", { tools: [{ type: "custom", name: "sql" }] }, "tools[0]", "unsupported_parameter"],
    [
      "a tool's invalid schema",
      { tools: [{ type: "function", name: "f", parameters: { type: "nope" } }] },
      "tools[0].parameters",
      "invalid_value",
    ],
    [
      "a tool_choice naming no tool",
      { tool_choice: { type: "function", name: "f" } },
      "tool_choice",
      "invalid_value",
    ],
    ["JSON output", { text: { format: { type: "json_object" } } }, "text.format", "unsupported_parameter"],
    [
      "previous_response_id",
      { previous_response_id: "resp_x" },
      "previous_response_id",
      "unsupported_parameter",
    ],
    ["background", { background: true }, "background", "unsupported_parameter"],
    [
      "a reference to an item of no response",
      {
        input: [
          { role: "user", content: "hi" },
          { type: "item_reference", id: "msg_1" },
        ],
      },
      "input[1]",
      "invalid_value",
    ],
    ["a reference without an id", { input: [{ type: "item_reference" }] }, "input[0].id", "invalid_value"],
    [
      "an image part",
      {
        input: [
          {
            role: "user",
            content: [
              { type: "input_text", text: "what is it" },
              { type: "input_image", image_url: "https://x/y.png" },
            ],
          },
        ],
      },
      "input[0].content[1]",
      "unsupported_parameter",
    ],
    [
      "a function call's output, for a model that cannot read one",
      {
        input: [
          { role: "user", content: "hi" },
          { type: "function_call_output", call_id: "c", output: "1" },
        ],
      },
      "input[1]",
      "unsupported_parameter",
    ],
    [
      "a function call without its call_id",
      { input: [{ type: "function_call", name: "f", arguments: "{}" }] },
      "input[0].call_id",
      "invalid_value",
    ],
    [
      "another kind of item",
      { input: [{ type: "reasoning", id: "rs_1", summary: [] }] },
      "input[0]",
      "unsupported_parameter",
    ],
    ["a bad temperature", { temperature: 3 }, "temperature", "invalid_value"],
    ["no input", { input: undefined }, "input", "invalid_value"],
    ["logprobs", { include: ["message.output_text.logprobs"] }, "include", "unsupported_parameter"],
  ])("refuses %s with OpenAI's 400 naming the param, creating nothing", async (_, extra, param, code) => {
    const before = await predictionCount();
    const answer = await post({ model: "sim-chat", input: "hi", ...extra });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({ type: "invalid_request_error", param, code });
    expect(answer.json.error.message).toContain(param.split("[")[0]);
    expect(await predictionCount()).toBe(before);
  });
});

describe("references to earlier answers' items", () => {
  const promptOf = async (responseId: string) => (await predictionOf(responseId)).input.prompt;

  it("reads a referenced message as the text the client was answered, cut at max_output_tokens", async () => {
    const first = await client.responses.create({
      model: "gpt-4o",
      input: "Quiet river stones gather moss",
      max_output_tokens: 3,
    });
    expect(first.status).toBe("incomplete");
    const message = first.output[0] as OpenAI.Responses.ResponseOutputMessage;
    expect(message.id).toBe(`msg_${first.id.replace(/^resp_/, "")}`);
    const turns = (earlier: OpenAI.Responses.ResponseInputItem): OpenAI.Responses.ResponseInput => [
      { role: "user", content: "Quiet river stones gather moss" },
      earlier,
      { role: "user", content: "And then?" },
    ];

    const referring = await client.responses.create({
      model: "gpt-4o",
      input: turns({ type: "item_reference", id: message.id }),
    });
    expect(referring.status).not.toBe("failed");
    const prompt = `User: Quiet river stones gather moss\nAssistant: ${first.output_text}\nUser: And then?\nAssistant:`;
    expect(first.output_text.split(" ")).toHaveLength(3);
    expect(await promptOf(referring.id)).toBe(prompt);
    // The same conversation with the item itself reads the same.
    const itself = await client.responses.create({ model: "gpt-4o", input: turns(message) });
    expect(await promptOf(itself.id)).toBe(prompt);
  });

  const refusalOf = async (answer: Answer) => {
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({ type: "invalid_request_error", param: "input[1]" });
    return answer.json.error.message;
  };
  const referringTo = (id: string) => ({
    model: "sim-chat",
    input: [
      { role: "user", content: "hi" },
      { type: "item_reference", id },
    ],
  });

  it("refuses another token's answer exactly as one that never was, creating nothing", async () => {
    const owner = await newTenant(gateway, "owner of the answer");
    const other = await newTenant(gateway, "someone else");
    const response = await owner.api("/openai/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "sim-chat", input: "Private words" }),
    });
    const { id } = (await response.json()) as { id: string };
    const predictionId = id.replace(/^resp_/, "");
    const before = await predictionCount();
    const asked = async (as: Tenant, itemId: string) =>
      (await as.api("/openai/v1/responses", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(referringTo(itemId)),
      })) as Response;
    const answerOf = async (reply: Response): Promise<Answer> => ({
      status: reply.status,
      json: await reply.json(),
      dropped: null,
    });

    const theirs = await refusalOf(await answerOf(await asked(other, `msg_${predictionId}`)));
    const nobodys = await refusalOf(await answerOf(await asked(other, "msg_zzzzzzzzzzzzzzzzzzzzzzzzzz")));
    expect(theirs.replace(predictionId, "ID")).toBe(nobodys.replace("zzzzzzzzzzzzzzzzzzzzzzzzzz", "ID"));
    expect(theirs).toContain("input[1]");
    expect(await predictionCount()).toBe(before);
    // Its owner may refer to it.
    expect((await asked(owner, `msg_${predictionId}`)).status).toBe(200);
  });

  it("refuses an answer gengate ended at a turn end, whose answered text it cannot tell", async () => {
    const first = await client.responses.create({ model: "sim-chatml", input: "Hi there" });
    // What the model wrote went on past the turn end gengate cut the answer at.
    expect(first.output_text).toBe("<|im_start|>user Hi there");
    const answer = await post({ ...referringTo(first.output[0]?.id as string), model: "sim-chatml" });
    expect(await refusalOf(answer)).toContain("send the item itself");
    expect(answer.json.error.code).toBe("unsupported_parameter");
  });

  it("refuses a reference to an answer that failed, and to a function call the answer did not make", async () => {
    const failed = await post({ model: "sim-broken", input: "hi" });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    const [broken] = await gateway.engine.list({ limit: 1 });
    expect(broken?.state).toBe("failed");
    expect(await refusalOf(await post(referringTo(`msg_${broken?.id}`)))).toContain(
      `'msg_${broken?.id}' failed`,
    );

    const answered = await client.responses.create({ model: "sim-chat", input: "hi" });
    const predictionId = answered.id.replace(/^resp_/, "");
    expect(await refusalOf(await post(referringTo(`fc_${predictionId}_0`)))).toContain(
      `fc_${predictionId}_0`,
    );
  });
});

describe("the AI SDK", () => {
  const provider = () => createOpenAI({ baseURL: `${gateway.url}/openai/v1`, apiKey: TEST_TOKEN });

  it("generates text with the default OpenAI model (the Responses API)", async () => {
    const result = await generateText({ model: provider()("sim-chatml"), prompt: "Hi there" });
    expect(result.text).toBe("<|im_start|>user Hi there");
    expect(result.finishReason).toBe("stop");
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.response.id).toMatch(/^resp_/);
  });

  it("streams text with the default model", async () => {
    const result = streamText({
      model: provider()("gpt-4o"),
      prompt: "Slow cloud network",
      maxOutputTokens: 4,
    });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text.startsWith("Slow cloud network")).toBe(true);
    expect(text.split(" ")).toHaveLength(4);
    expect(await result.finishReason).toBe("length");
  });

  it("generates text through .chat() (chat completions)", async () => {
    const result = await generateText({
      model: provider().chat("gpt-4o"),
      system: "Be kind",
      prompt: "Blue window night",
    });
    expect(result.text.startsWith("Blue window night")).toBe(true);
    expect(result.usage.outputTokens).toBe(12);
  });
});
