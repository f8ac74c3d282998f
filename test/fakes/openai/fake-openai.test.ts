/**
 * The fake OpenAI-compatible upstream answers as OpenAI's published OpenAPI document says: each
 * answer is checked against the document's response schema, as the Replicate fake is checked
 * against Replicate's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAi, startFakeOpenAi } from "./fake-openai.ts";
import { shapeErrors } from "./openapi-spec.ts";

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(() => fake.close());

const post = (path: string, body: unknown, key = fake.apiKey) =>
  fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

const events = async (response: Response) =>
  (await response.text())
    .split("\n\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);

describe("the fake OpenAI-compatible upstream", () => {
  it("answers a chat completion, a tool call and JSON output in OpenAI's shape", async () => {
    const plain = await (
      await post("/chat/completions", { model: "fake-chat", messages: [{ role: "user", content: "hi" }] })
    ).json();
    expect(shapeErrors("CreateChatCompletionResponse", plain)).toEqual([]);
    expect(plain.choices[0].message.content).toBe("You said: hi");

    const called = await (
      await post("/chat/completions", {
        model: "fake-chat",
        messages: [{ role: "user", content: "weather?" }],
        tools: [weatherTool],
      })
    ).json();
    expect(shapeErrors("CreateChatCompletionResponse", called)).toEqual([]);
    expect(called.choices[0].finish_reason).toBe("tool_calls");
    expect(JSON.parse(called.choices[0].message.tool_calls[0].function.arguments)).toEqual({ city: "Paris" });

    const format = {
      type: "json_schema",
      json_schema: { name: "w", strict: true, schema: weatherTool.function.parameters },
    };
    const structured = await (
      await post("/chat/completions", {
        model: "fake-chat",
        messages: [{ role: "user", content: "x" }],
        response_format: format,
      })
    ).json();
    expect(shapeErrors("CreateChatCompletionResponse", structured)).toEqual([]);
    expect(JSON.parse(structured.choices[0].message.content)).toEqual({ city: "Paris" });
  });

  it("streams chunks, tool calls as argument deltas, in OpenAI's shape", async () => {
    const chunks = await events(
      await post("/chat/completions", {
        model: "fake-chat",
        messages: [{ role: "user", content: "weather?" }],
        tools: [weatherTool],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    for (const chunk of chunks) expect(shapeErrors("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
    const args = chunks
      .flatMap(
        (chunk) => chunk.choices as { delta: { tool_calls?: { function: { arguments?: string } }[] } }[],
      )
      .flatMap((choice) => choice.delta.tool_calls ?? [])
      .map((call) => call.function.arguments)
      .join("");
    expect(JSON.parse(args)).toEqual({ city: "Paris" });
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 12 });
  });

  it("gives log probabilities when asked, whole and streamed", async () => {
    const body = {
      model: "fake-chat",
      messages: [{ role: "user", content: "a b" }],
      logprobs: true,
      top_logprobs: 1,
    };
    const whole = await (await post("/chat/completions", body)).json();
    expect(shapeErrors("CreateChatCompletionResponse", whole)).toEqual([]);
    expect(whole.choices[0].logprobs.content.map((entry: { token: string }) => entry.token)).toEqual([
      "You ",
      "said: ",
      "a ",
      "b",
    ]);
    const chunks = await events(await post("/chat/completions", { ...body, stream: true }));
    for (const chunk of chunks) expect(shapeErrors("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
    const streamed = chunks.flatMap((chunk) =>
      (chunk.choices as { logprobs: { content: { token: string }[] } | null }[]).flatMap(
        (c) => c.logprobs?.content ?? [],
      ),
    );
    expect(streamed.map((entry) => entry.token).join("")).toBe("You said: a b");
  });

  it("answers images, embeddings and the model list in OpenAI's shape", async () => {
    const images = await (
      await post("/images/generations", {
        model: "fake-image",
        prompt: "a fox",
        n: 2,
        response_format: "b64_json",
      })
    ).json();
    expect(shapeErrors("ImagesResponse", images)).toEqual([]);
    expect(images.data).toHaveLength(2);
    const vectors = await (await post("/embeddings", { model: "fake-embed", input: ["a", "bc"] })).json();
    expect(shapeErrors("CreateEmbeddingResponse", vectors)).toEqual([]);
    expect(vectors.data).toHaveLength(2);
    const models = await (
      await fetch(`${fake.url}/models`, { headers: { authorization: `Bearer ${fake.apiKey}` } })
    ).json();
    expect(shapeErrors("ListModelsResponse", models)).toEqual([]);
  });

  it("refuses a wrong key with a 401 and a rate-limited request with a 429 and Retry-After", async () => {
    const refused = await post("/chat/completions", { messages: [] }, "sk-wrong");
    expect(refused.status).toBe(401);
    expect(shapeErrors("ErrorResponse", await refused.json())).toEqual([]);
    fake.faults.rateLimited = 1;
    const limited = await post("/chat/completions", { messages: [{ role: "user", content: "hi" }] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(shapeErrors("ErrorResponse", await limited.json())).toEqual([]);
  });
});
