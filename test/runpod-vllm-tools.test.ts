/**
 * A RunPod vLLM endpoint whose worker calls tools (`tools: true`) through gengate, with the
 * official `openai` client unchanged: a tool round trip, streamed tool calls and strict JSON
 * output go to the worker's OpenAI-compatible route as engine predictions; a plain chat stays on
 * `/run`; an endpoint without the flag refuses tools as OpenAI does. The fake RunPod answers that
 * route as vLLM does.
 */
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { shapeErrors } from "./fakes/openai/openapi-spec.ts";
import { type FakeRunpod, startFakeRunpod } from "./fakes/runpod/index.ts";
import { startGatewayWithConfig, TEST_TOKEN, type TestGateway } from "./support/gateway.ts";
import { expectStreamedWeatherCall, weatherTool } from "./support/openai-tool-calls.ts";

const SERVED = "Qwen/Qwen3-8B";
let fake: FakeRunpod;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeRunpod({
    endpoints: {
      "vllm-tools": { worker: "vllm", servedModel: SERVED, toolCalling: true, executionMs: 20 },
      "vllm-plain": { worker: "vllm", servedModel: SERVED, executionMs: 20 },
    },
  });
  gateway = await startGatewayWithConfig(
    {
      providers: {
        runpod: {
          endpoints: {
            qwen: { endpointId: "vllm-tools", worker: "vllm", model: SERVED, tools: true },
            plain: { endpointId: "vllm-plain", worker: "vllm", model: SERVED },
          },
        },
      },
    },
    { RUNPOD_API_KEY: fake.apiKey, RUNPOD_BASE_URL: fake.url },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/openai/v1`, apiKey: TEST_TOKEN, maxRetries: 0 });
});
afterEach(() => fake.reset());
afterAll(async () => {
  await gateway.close();
  await fake.close();
});

const strictFormat = {
  type: "json_schema" as const,
  json_schema: { name: "weather", strict: true, schema: weatherTool.function.parameters },
};

const routeCalls = () => fake.requests.filter((request) => request.operation === "openai");
const runCalls = () => fake.requests.filter((request) => request.operation === "run");

interface PredictionList {
  results: { model: string; status: string; error: string | null; metrics?: Record<string, number> }[];
}
const predictions = async () =>
  ((await (await gateway.api("/v1/predictions")).json()) as PredictionList).results;

async function apiError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

describe("a RunPod vLLM endpoint that calls tools", () => {
  it("returns a tool call, takes the tool's result back, and answers, each a recorded prediction", async () => {
    const before = (await predictions()).length;
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "developer", content: "Use the tools" },
      { role: "user", content: "Weather in Paris?" },
    ];
    const first = await client.chat.completions.create({
      model: "runpod/qwen",
      messages,
      tools: [weatherTool],
      tool_choice: "auto",
    });
    expect(shapeErrors("CreateChatCompletionResponse", first)).toEqual([]);
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type === "function" && call.function.name).toBe("get_weather");
    expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual({ city: "Paris" });
    // Sent to the worker's OpenAI route, streamed, with the RunPod key, as the client asked.
    expect(routeCalls()).toHaveLength(1);
    expect(routeCalls()[0]).toMatchObject({
      method: "POST",
      path: "/v2/vllm-tools/openai/v1/chat/completions",
      auth: "bearer",
      status: 200,
      body: { model: SERVED, messages, tools: [weatherTool], tool_choice: "auto", stream: true },
    });
    expect(runCalls()).toHaveLength(0);

    messages.push(choice?.message as OpenAI.ChatCompletionMessageParam, {
      role: "tool",
      tool_call_id: call?.id ?? "",
      content: "18 degrees, sunny",
    });
    const final = await client.chat.completions.create({
      model: "runpod/qwen",
      messages,
      tools: [weatherTool],
    });
    expect(final.choices[0]?.message.content).toBe("The tool answered: 18 degrees, sunny");
    expect(final.choices[0]?.finish_reason).toBe("stop");
    expect(final.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 7 });
    expect(routeCalls()[1]?.body).toMatchObject({ messages });

    const recorded = (await predictions()).slice(0, (await predictions()).length - before);
    expect(recorded.map((p) => [p.model, p.status])).toEqual([
      ["runpod/qwen", "succeeded"],
      ["runpod/qwen", "succeeded"],
    ]);
    expect(recorded[0]?.metrics).toMatchObject({ input_token_count: 12, output_token_count: 7 });
  });

  it("streams tool calls as delta.tool_calls", async () => {
    await expectStreamedWeatherCall(client, "runpod/qwen");
    expect(routeCalls()).toHaveLength(1);
  });

  it("answers a strict json_schema with JSON that fits it, and fails one that does not, asking once", async () => {
    const answer = await client.chat.completions.create({
      model: "runpod/qwen",
      messages: [{ role: "user", content: "The weather as JSON" }],
      response_format: strictFormat,
    });
    expect(JSON.parse(answer.choices[0]?.message.content ?? "")).toEqual({ city: "Paris" });
    expect(routeCalls()[0]?.body).toMatchObject({ response_format: strictFormat });

    fake.faults.violateSchema("vllm-tools");
    const error = await apiError(
      client.chat.completions.create({
        model: "runpod/qwen",
        messages: [{ role: "user", content: "The weather as JSON" }],
        response_format: strictFormat,
      }),
    );
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/does not match response_format\.json_schema\.schema \(strict\).*city/);
    expect(routeCalls()).toHaveLength(2);
    expect((await predictions())[0]).toMatchObject({ model: "runpod/qwen", status: "failed" });
  });

  it("keeps a plain chat on /run, whose job a later process can follow", async () => {
    const answer = await client.chat.completions.create({
      model: "runpod/qwen",
      messages: [{ role: "user", content: "Describe a harbor" }],
      max_tokens: 5,
    });
    expect(answer.choices[0]?.message.content?.split(" ")).toHaveLength(5);
    expect(runCalls()).toHaveLength(1);
    expect(routeCalls()).toHaveLength(0);
  });

  it("says so clearly when the worker itself was not started to call tools", async () => {
    // gengate is told the endpoint calls tools, but its worker lacks ENABLE_AUTO_TOOL_CHOICE.
    const misconfigured = await startGatewayWithConfig(
      {
        providers: {
          runpod: {
            endpoints: { qwen: { endpointId: "vllm-plain", worker: "vllm", model: SERVED, tools: true } },
          },
        },
      },
      { RUNPOD_API_KEY: fake.apiKey, RUNPOD_BASE_URL: fake.url },
    );
    try {
      const other = new OpenAI({
        baseURL: `${misconfigured.url}/openai/v1`,
        apiKey: TEST_TOKEN,
        maxRetries: 0,
      });
      const error = await apiError(
        other.chat.completions.create({
          model: "runpod/qwen",
          messages: [{ role: "user", content: "Weather in Paris?" }],
          tools: [weatherTool],
        }),
      );
      // The prediction fails with vLLM's reason; chat completions answer any failed prediction 502.
      expect(error.status).toBe(502);
      expect(error.message).toMatch(
        /RunPod answered HTTP 400 .*"auto" tool choice requires --enable-auto-tool-choice/,
      );
      expect(error.message).not.toContain(fake.apiKey);
      expect(routeCalls()).toHaveLength(1);
    } finally {
      await misconfigured.close();
    }
  });
});

describe("a RunPod vLLM endpoint without the tools flag", () => {
  it("refuses tools, tool results and JSON output with 400 unsupported_parameter, asking RunPod nothing", async () => {
    const refusals = [
      [{ messages: [{ role: "user", content: "Weather?" }], tools: [weatherTool] }, "tools"],
      [
        { messages: [{ role: "user", content: "JSON please" }], response_format: strictFormat },
        "response_format",
      ],
      [
        {
          messages: [
            { role: "user", content: "x" },
            { role: "tool", tool_call_id: "call_1", content: "18" },
          ],
        },
        "messages[1]",
      ],
    ] as const;
    for (const [body, param] of refusals) {
      const error = await apiError(
        client.chat.completions.create({
          ...(body as unknown as Omit<OpenAI.ChatCompletionCreateParamsNonStreaming, "model">),
          model: "runpod/plain",
        }),
      );
      expect(error.status).toBe(400);
      expect(error.param).toBe(param);
      expect(error.code).toBe("unsupported_parameter");
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses OpenAI's chat fields in a /v1 prediction's input, naming the field", async () => {
    const response = await gateway.api("/v1/models/runpod/plain/predictions", {
      method: "POST",
      headers: { prefer: "wait=10" },
      body: JSON.stringify({ input: { messages: [{ role: "user", content: "x" }], tools: [weatherTool] } }),
    });
    const body = (await response.json()) as { status?: string; error?: string };
    expect(body.status).toBe("failed");
    expect(body.error).toMatch(/^input\.tools: this vLLM endpoint takes plain conversations only/);
    expect(fake.requests.filter((request) => request.operation !== "health")).toHaveLength(0);
  });
});
