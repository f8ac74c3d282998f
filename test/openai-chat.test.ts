/**
 * The official `openai` client against gengate's chat completions, on the simulator's text model
 * (through catalog aliases) and on the fake Replicate's `fake/llm`; the official `replicate`
 * client's stream() on the same models.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import Replicate from "replicate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { startGateway, TEST_TOKEN, type TestGateway } from "./support/gateway.ts";

const dir = mkdtempSync(join(tmpdir(), "gengate-openai-chat-"));
let fake: FakeReplicate;
let gateway: TestGateway;
let openai: OpenAI;
let replicate: Replicate;

beforeAll(async () => {
  const config = join(dir, "gengate.config.json");
  const simText = (input: Record<string, unknown>, capabilities = {}) => ({
    targets: [
      { provider: "sim", model: "sim/text", input: { token_interval_ms: 30, ...input }, capabilities },
    ],
  });
  writeFileSync(
    config,
    JSON.stringify({
      models: {
        "sim-chat": simText({}),
        "sim-chatml": simText({}, { promptTemplate: "chatml" }),
        "sim-broken": simText({ fail: "the model ran out of words" }),
      },
    }),
  );
  fake = await startFakeReplicate({ latencyMs: { min: 600, max: 700 } });
  gateway = await startGateway({
    GENGATE_CONFIG: config,
    REPLICATE_API_TOKEN: fake.token,
    REPLICATE_BASE_URL: fake.url,
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/openai/v1`, apiKey: TEST_TOKEN });
  replicate = new Replicate({ auth: TEST_TOKEN, baseUrl: `${gateway.url}/v1` });
});

afterAll(async () => {
  await gateway.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The prediction behind a completion (`chatcmpl-<prediction id>`). */
const predictionOf = (completionId: string) => gateway.engine.get(completionId.replace(/^chatcmpl-/, ""));
const ended = (completionId: string) =>
  gateway.engine.waitFor(completionId.replace(/^chatcmpl-/, ""), 10_000);

const hi = [{ role: "user" as const, content: "Tell me about the harbor" }];

describe("chat completions, not streamed", () => {
  it("answers with the model's text, the finish reason and usage", async () => {
    const completion = await openai.chat.completions.create({
      model: "sim-chat",
      messages: [{ role: "system", content: "Be brief." }, ...hi],
      max_tokens: 6,
      seed: 7,
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("sim-chat");
    const [choice] = completion.choices;
    expect(choice?.message.role).toBe("assistant");
    // sim/text echoes the prompt's first words, then makes up more: 6 tokens, the limit
    expect(choice?.message.content).toMatch(/^Tell me about the \S+ \S+$/);
    expect(choice?.finish_reason).toBe("length");
    expect(completion.usage?.completion_tokens).toBe(6);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
    // the plain template keeps the system prompt apart; the alias's own input is added
    const prediction = await predictionOf(completion.id);
    expect(prediction.model).toBe("gengate/sim-chat");
    expect(prediction.input).toMatchObject({
      prompt: "Tell me about the harbor",
      system_prompt: "Be brief.",
      max_tokens: 6,
      seed: 7,
      token_interval_ms: 30,
    });
  });

  it("accepts gengate/<alias> and text parts, and max_completion_tokens", async () => {
    const completion = await openai.chat.completions.create({
      model: "gengate/sim-chat",
      messages: [{ role: "user", content: [{ type: "text", text: "Tell me about the harbor" }] }],
      max_completion_tokens: 3,
      seed: 7,
    });
    expect(completion.choices[0]?.message.content).toBe("Tell me about");
  });

  it("ends at a stop sequence, without it, and cancels the rest upstream", async () => {
    const whole = await openai.chat.completions.create({
      model: "sim-chat",
      messages: hi,
      max_tokens: 12,
      seed: 3,
    });
    const text = whole.choices[0]?.message.content ?? "";
    const words = text.split(" ");
    const stop = ` ${words[7]}`;
    const stopped = await openai.chat.completions.create({
      model: "sim-chat",
      messages: hi,
      max_tokens: 12,
      seed: 3,
      stop,
    });
    expect(stopped.choices[0]?.message.content).toBe(text.slice(0, text.indexOf(stop)));
    expect(stopped.choices[0]?.finish_reason).toBe("stop");
    expect((await ended(stopped.id)).state).toBe("canceled");
  });

  it("applies a model family's template and its end-of-turn marker", async () => {
    const messages = [{ role: "user" as const, content: "Hi there" }];
    const completion = await openai.chat.completions.create({ model: "sim-chatml", messages });
    const prediction = await predictionOf(completion.id);
    expect(prediction.input.prompt).toBe("<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n");
    // sim/text echoes the prompt's first words, "there<|im_end|>" among them: the answer ends before the marker
    expect(completion.choices[0]?.message.content).toBe("<|im_start|>user Hi there");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });

  it("turns a failed prediction into a server error the client does not send again", async () => {
    const failing = openai.chat.completions.create({ model: "sim-broken", messages: hi });
    await expect(failing).rejects.toMatchObject({
      status: 502,
      error: { type: "server_error", message: expect.stringContaining("the model ran out of words") },
    });
    const runs = await gateway.engine.list({ limit: 100 });
    expect(runs.filter((p) => p.model === "gengate/sim-broken")).toHaveLength(1);
  });
});

describe("chat completions, streamed", () => {
  it("streams chunks as the tokens come, then the finish reason, the usage and [DONE]", async () => {
    const stream = await openai.chat.completions.create({
      model: "sim-chat",
      messages: hi,
      max_tokens: 12,
      seed: 7,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    const arrivals: number[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      if (chunk.choices[0]?.delta.content) arrivals.push(Date.now());
    }
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    // 12 tokens 30 ms apart arrive spread over time, not all at the end
    expect(arrivals).toHaveLength(12);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(200);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    const whole = await openai.chat.completions.create({
      model: "sim-chat",
      messages: hi,
      max_tokens: 12,
      seed: 7,
    });
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("length");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 12 });
  });

  it("ends with an error object when the prediction fails", async () => {
    const stream = await openai.chat.completions.create({ model: "sim-broken", messages: hi, stream: true });
    const read = async () => {
      for await (const _chunk of stream) {
        // read to the end
      }
    };
    await expect(read()).rejects.toThrow("the model ran out of words");
  });

  it("cancels the prediction when the client goes away", async () => {
    const controller = new AbortController();
    const stream = await openai.chat.completions.create(
      { model: "sim-chat", messages: hi, max_tokens: 500, stream: true },
      { signal: controller.signal },
    );
    let id = "";
    try {
      for await (const chunk of stream) {
        id = chunk.id;
        if (chunk.choices[0]?.delta.content) controller.abort();
      }
    } catch {
      // the client's own abort
    }
    expect((await ended(id)).state).toBe("canceled");
  });

  it("streams fake Replicate's fake/llm token by token, with Replicate's token counts", async () => {
    const { data: stream, response } = await openai.chat.completions
      .create({
        model: "fake/llm",
        messages: hi,
        max_tokens: 8,
        temperature: 0.2,
        seed: 1,
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    // fake/llm takes no seed
    expect(response.headers.get("x-gengate-dropped-params")).toBe("seed");
    const arrivals: number[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) arrivals.push(Date.now());
      usage = chunk.usage ?? usage;
    }
    expect(arrivals).toHaveLength(8);
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(200);
    const upstream = fake.predictions().find((p) => String(p.input.prompt).startsWith("<|im_start|>"));
    const prompt = String(upstream?.input.prompt);
    expect(prompt).toBe("<|im_start|>user\nTell me about the harbor<|im_end|>\n<|im_start|>assistant\n");
    expect(upstream?.input).toMatchObject({ max_tokens: 8, temperature: 0.2 });
    // the fake counts words: these are Replicate's numbers, not gengate's estimate
    expect(usage).toEqual({
      prompt_tokens: prompt.split(/\s+/).length,
      completion_tokens: 8,
      total_tokens: prompt.split(/\s+/).length + 8,
    });
  });
});

describe("n choices, each a prediction of its own", () => {
  const simChatIds = async () =>
    new Set(
      (await gateway.engine.list({ limit: 1000 }))
        .filter((p) => p.model === "gengate/sim-chat")
        .map((p) => p.id),
    );
  /** The sim-chat predictions made since `before`. */
  const madeSince = async (before: Set<string>) => [...(await simChatIds())].filter((id) => !before.has(id));

  it("answers n choices, indexed, with their usage summed", async () => {
    const before = await simChatIds();
    const completion = await openai.chat.completions.create({
      model: "sim-chat",
      messages: hi,
      max_tokens: 5,
      n: 3,
    });
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    for (const choice of completion.choices) {
      expect(choice.message.content).toMatch(/^Tell me about the \S+$/);
      expect(choice.finish_reason).toBe("length");
    }
    const made = await Promise.all((await madeSince(before)).map((id) => gateway.engine.get(id)));
    expect(made.map((p) => p.state)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(made.map((p) => p.id)).toContain(completion.id.replace(/^chatcmpl-/, ""));
    const one = await openai.chat.completions.create({ model: "sim-chat", messages: hi, max_tokens: 5 });
    expect(completion.usage).toEqual({
      prompt_tokens: 3 * (one.usage?.prompt_tokens ?? 0),
      completion_tokens: 15,
      total_tokens: 3 * (one.usage?.prompt_tokens ?? 0) + 15,
    });
  });

  it("gives each choice its own seed, so the choices differ and the same request answers the same", async () => {
    const ask = (n: number) =>
      openai.chat.completions.create({ model: "sim-chat", messages: hi, max_tokens: 12, seed: 7, n });
    const before = await simChatIds();
    const three = await ask(3);
    const seeds = await Promise.all(
      (await madeSince(before)).map(async (id) => (await gateway.engine.get(id)).input.seed),
    );
    expect(seeds.map(Number).sort((a, b) => a - b)).toEqual([7, 8, 9]);
    const contents = three.choices.map((choice) => choice.message.content);
    expect(new Set(contents).size).toBe(3);
    expect((await ask(3)).choices.map((choice) => choice.message.content)).toEqual(contents);
    expect((await ask(1)).choices[0]?.message.content).toBe(contents[0]);
  });

  it("streams each choice's deltas under its index, a finish chunk each, then the summed usage", async () => {
    const stream = await openai.chat.completions.create({
      model: "sim-chat",
      messages: hi,
      max_tokens: 4,
      n: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts = ["", "", ""];
    const finishes: [number, string][] = [];
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      for (const choice of chunk.choices) {
        texts[choice.index] += choice.delta.content ?? "";
        if (choice.finish_reason) finishes.push([choice.index, choice.finish_reason]);
      }
    }
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    for (const index of [0, 1, 2])
      expect(chunks.find((chunk) => chunk.choices[0]?.index === index)?.choices[0]?.delta.role).toBe(
        "assistant",
      );
    for (const text of texts) expect(text).toMatch(/^Tell me about \S+$/);
    expect(finishes.sort()).toEqual([
      [0, "length"],
      [1, "length"],
      [2, "length"],
    ]);
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 12 });
  });

  it("answers the error when one choice fails, and cancels the others", async () => {
    const before = await simChatIds();
    const request = openai.chat.completions.create({
      model: "sim-chat",
      messages: hi,
      max_tokens: 300,
      n: 3,
    });
    const settled = request.then(
      () => undefined,
      (error: unknown) => error,
    );
    let made: string[] = [];
    while (made.length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      made = await madeSince(before);
    }
    const [failing, ...others] = made as [string, ...string[]];
    await gateway.engine.cancel(failing);
    expect(await settled).toMatchObject({
      status: 502,
      error: { type: "server_error", message: expect.stringContaining(`prediction ${failing} failed`) },
    });
    for (const id of others) expect((await gateway.engine.waitFor(id, 10_000)).state).toBe("canceled");
  });
});

describe("bad chat requests, in OpenAI's error shape", () => {
  it("refuses n above 10, no messages and a bad role with a 400 naming the param", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ n: 11 }, "n"],
      [{ messages: [] }, "messages"],
      [{ messages: [{ role: "robot", content: "x" }] }, "messages[0].role"],
      // A tool message is a role now (for models that take tools), but never without its call's id.
      [{ messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id"],
      [{ temperature: 3 }, "temperature"],
    ];
    for (const [change, param] of cases) {
      const body = {
        model: "sim-chat",
        messages: hi,
        ...change,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming;
      await expect(openai.chat.completions.create(body)).rejects.toMatchObject({
        status: 400,
        error: { type: "invalid_request_error", param },
      });
    }
  });

  it("answers 404 for an unknown model and 400 for a model that makes images", async () => {
    await expect(openai.chat.completions.create({ model: "gpt-4o", messages: hi })).rejects.toMatchObject({
      status: 404,
      error: { type: "not_found_error", param: "model" },
    });
    await expect(
      openai.chat.completions.create({ model: "nobody/nothing", messages: hi }),
    ).rejects.toMatchObject({
      status: 404,
      error: { param: "model" },
    });
    await expect(openai.chat.completions.create({ model: "sim/image", messages: hi })).rejects.toMatchObject({
      status: 400,
      error: { param: "model", message: "The model 'sim/image' does not generate text" },
    });
  });
});

describe("tools and tool_choice", () => {
  const weather: OpenAI.ChatCompletionTool = {
    type: "function",
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  };
  const runs = async () => (await gateway.engine.list({ limit: 1000 })).length;

  it("refuses tools for a model that cannot call them, rather than answer in prose", async () => {
    const before = await runs();
    const request = openai.chat.completions.create({
      model: "sim-chat",
      messages: hi,
      tools: [weather],
      tool_choice: "required",
    });
    await expect(request).rejects.toMatchObject({
      status: 400,
      error: {
        type: "invalid_request_error",
        param: "tools",
        code: "unsupported_parameter",
        message: "The model 'sim-chat' does not support tool calls ('tools')",
      },
    });
    expect(await runs()).toBe(before);
  });

  it("refuses a tool whose parameters are not a valid JSON Schema, or a choice naming no tool", async () => {
    const before = await runs();
    const badSchema = { ...weather, function: { name: "f", parameters: { type: "objekt" } } };
    const cases: [Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>, string, string][] = [
      [
        { tools: [badSchema] },
        "tools[0].function.parameters",
        "Invalid schema for 'tools[0].function.parameters': type must be equal to one of the allowed values",
      ],
      [
        { tools: [weather], tool_choice: { type: "function", function: { name: "get_time" } } },
        "tool_choice",
        "tool_choice names no tool in tools: 'get_time'",
      ],
      [{ tool_choice: "auto" }, "tool_choice", "tool_choice is only allowed when tools are specified"],
      [
        { tools: [{ type: "function", function: { name: "no spaces" } }] },
        "tools[0].function.name",
        "name must be",
      ],
    ];
    for (const [change, param, message] of cases) {
      await expect(
        openai.chat.completions.create({ model: "sim-chat", messages: hi, ...change }),
      ).rejects.toMatchObject({
        status: 400,
        error: { type: "invalid_request_error", param, message: expect.stringContaining(message) },
      });
    }
    // a bad response_format schema likewise
    await expect(
      openai.chat.completions.create({
        model: "sim-chat",
        messages: hi,
        response_format: {
          type: "json_schema",
          json_schema: { name: "answer", schema: { required: "city" } },
        },
      }),
    ).rejects.toMatchObject({ status: 400, error: { param: "response_format.json_schema.schema" } });
    expect(await runs()).toBe(before);
  });

  it("answers with tool_choice none, naming the tools it left out", async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: "sim-chat", messages: hi, max_tokens: 3, tools: [weather], tool_choice: "none" })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("Tell me about");
    expect(response.headers.get("x-gengate-dropped-params")).toBe("tools, tool_choice");
  });
});

describe("the replicate client on the same models", () => {
  it.each(["gengate/sim-chat", "fake/llm"])("stream() yields %s's tokens as they come", async (model) => {
    const tokens: string[] = [];
    const arrivals: number[] = [];
    const events: string[] = [];
    for await (const event of replicate.stream(model as `${string}/${string}`, {
      input: { prompt: "once upon a time", max_tokens: 24 },
    })) {
      events.push(event.event);
      if (event.event === "output") {
        tokens.push(event.data);
        arrivals.push(Date.now());
      }
    }
    expect(tokens).toHaveLength(24);
    expect(events.at(-1)).toBe("done");
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(150);
  });
});
