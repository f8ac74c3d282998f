/**
 * The rest of OpenAI's surface through the official `openai` client and the AI SDK, on the
 * simulator: legacy completions (a raw prompt, no chat template), embeddings from sim/embeddings
 * (which takes and answers like Replicate's all-mpnet-base-v2) as floats and base64, and image
 * variations; answers checked against OpenAI's published OpenAPI document, bad input refused
 * with OpenAI's 400 naming the param.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { embed, embedMany } from "ai";
import OpenAI, { toFile } from "openai";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shapeErrors } from "./fakes/openai/openapi-spec.ts";
import { startGatewayWithConfig, TEST_TOKEN, type TestGateway } from "./support/gateway.ts";

const simText = (capabilities = {}) => ({
  targets: [{ provider: "sim", model: "sim/text", input: { token_interval_ms: 5 }, capabilities }],
});

let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startGatewayWithConfig({
    models: {
      "sim-free": simText(),
      "sim-chatml": simText({ promptTemplate: "chatml" }),
      // an embedding model whose vectors have one length, as most have
      "fixed-embeddings": {
        targets: [{ provider: "sim", model: "sim/embeddings", params: { dimensions: null } }],
      },
    },
    openai: { models: { "text-embedding-3-small": "sim/embeddings", "gpt-3.5-turbo-instruct": "sim-free" } },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/openai/v1`, apiKey: TEST_TOKEN, maxRetries: 0 });
});

afterAll(() => gateway.close());

const predictionOf = (id: string) => gateway.engine.waitFor(id.replace(/^cmpl-/, ""), 10_000);
const predictionCount = async () => (await gateway.engine.list({ limit: 1000 })).length;

async function refusal(
  path: string,
  body: unknown,
): Promise<{ status: number; error: Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}/openai/v1${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    error: ((await response.json()) as { error: Record<string, unknown> }).error,
  };
}

describe("completions.create", () => {
  it("completes the prompt as it is, with OpenAI's default of 16 tokens", async () => {
    const completion = await client.completions.create({
      model: "gpt-3.5-turbo-instruct",
      prompt: "Once upon a time",
    });
    expect(shapeErrors("CreateCompletionResponse", completion)).toEqual([]);
    expect(completion.object).toBe("text_completion");
    expect(completion.model).toBe("gpt-3.5-turbo-instruct");
    const choice = completion.choices[0];
    expect(choice?.text.startsWith("Once upon a time")).toBe(true);
    expect(choice?.text.split(" ")).toHaveLength(16);
    expect(choice?.finish_reason).toBe("length");
    expect(completion.usage?.completion_tokens).toBe(16);
    expect((await predictionOf(completion.id)).input).toMatchObject({
      prompt: "Once upon a time",
      max_tokens: 16,
    });
  });

  it("gives a chat-templated model the prompt without its template", async () => {
    const completion = await client.completions.create({
      model: "sim-chatml",
      prompt: "Hi there",
      max_tokens: 3,
    });
    expect((await predictionOf(completion.id)).input.prompt).toBe("Hi there");
    expect(completion.choices[0]?.text.startsWith("Hi there")).toBe(true);
  });

  it("ends at a stop sequence, and echoes the prompt when asked", async () => {
    const whole = await client.completions.create({
      model: "sim-free",
      prompt: "Quiet river",
      max_tokens: 8,
      seed: 4,
    });
    const text = whole.choices[0]?.text ?? "";
    const stop = ` ${text.split(" ")[5]}`;
    const stopped = await client.completions.create({
      model: "sim-free",
      prompt: "Quiet river",
      max_tokens: 8,
      seed: 4,
      stop,
      echo: true,
    });
    expect(stopped.choices[0]?.text).toBe(`Quiet river${text.slice(0, text.indexOf(stop))}`);
    expect(stopped.choices[0]?.finish_reason).toBe("stop");
  });

  it("streams chunks of the completion's shape, then the usage", async () => {
    const stream = await client.completions.create({
      model: "sim-free",
      prompt: "Golden morning",
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Completion[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.text ?? "").join("");
    expect(text.startsWith("Golden morning")).toBe(true);
    expect(text.split(" ")).toHaveLength(5);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("length");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(5);
    for (const chunk of chunks) expect(chunk.object).toBe("text_completion");
  });

  it("answers n choices, each a prediction of its own, whole and streamed", async () => {
    const before = await predictionCount();
    const completion = await client.completions.create({
      model: "sim-free",
      prompt: "Quiet river",
      max_tokens: 4,
      n: 3,
      best_of: 3,
      echo: true,
    });
    expect(shapeErrors("CreateCompletionResponse", completion)).toEqual([]);
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    for (const choice of completion.choices) expect(choice.text).toMatch(/^Quiet riverQuiet river \S+ \S+$/);
    expect(completion.usage?.completion_tokens).toBe(12);
    expect(await predictionCount()).toBe(before + 3);

    const stream = await client.completions.create({
      model: "sim-free",
      prompt: "Quiet river",
      max_tokens: 4,
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts = ["", ""];
    const finishes: number[] = [];
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        texts[choice.index] += choice.text;
        if (choice.finish_reason) finishes.push(choice.index);
      }
      usage = chunk.usage ?? usage;
    }
    for (const text of texts) expect(text).toMatch(/^Quiet river \S+ \S+$/);
    expect(finishes.sort()).toEqual([0, 1]);
    expect(usage?.completion_tokens).toBe(8);
    expect(await predictionCount()).toBe(before + 5);
  });

  it.each([
    ["suffix", { suffix: "end" }, "suffix", "unsupported_parameter"],
    ["best_of above n", { best_of: 2 }, "best_of", "unsupported_parameter"],
    ["best_of below n", { n: 3, best_of: 2 }, "best_of", "invalid_value"],
    ["logprobs", { logprobs: 2 }, "logprobs", "unsupported_parameter"],
    ["n above 10", { n: 11 }, "n", "invalid_value"],
    ["several prompts", { prompt: ["a", "b"] }, "prompt", "unsupported_parameter"],
    ["token ids", { prompt: [[1, 2, 3]] }, "prompt", "unsupported_value"],
    ["a bad max_tokens", { max_tokens: 0 }, "max_tokens", "invalid_value"],
  ])("refuses %s naming the param, creating nothing", async (_, extra, param, code) => {
    const before = await predictionCount();
    const { status, error } = await refusal("/completions", { model: "sim-free", prompt: "hi", ...extra });
    expect(status).toBe(400);
    expect(error).toMatchObject({ type: "invalid_request_error", param, code });
    expect(await predictionCount()).toBe(before);
  });
});

describe("embeddings.create", () => {
  const length = (vector: number[]) => Math.hypot(...vector);

  it("answers one unit vector per text as floats, the same text the same vector", async () => {
    const response = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: ["a harbor", "a mountain", "a harbor"],
      encoding_format: "float",
    });
    expect(shapeErrors("CreateEmbeddingResponse", response)).toEqual([]);
    expect(response.model).toBe("text-embedding-3-small");
    const [first, second, third] = response.data.map((item) => item.embedding);
    expect(response.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(first).toHaveLength(768);
    expect(length(first ?? [])).toBeCloseTo(1, 6);
    expect(third).toEqual(first);
    expect(second).not.toEqual(first);
    expect(response.usage.prompt_tokens).toBeGreaterThanOrEqual(3);
    expect(response.usage.total_tokens).toBe(response.usage.prompt_tokens);
  });

  it("answers base64 of little-endian float32 when asked, and honours dimensions", async () => {
    const floats = await client.embeddings.create({
      model: "sim/embeddings",
      input: "a harbor",
      dimensions: 64,
      encoding_format: "float",
    });
    const encoded = await client.embeddings.create({
      model: "sim/embeddings",
      input: "a harbor",
      dimensions: 64,
      encoding_format: "base64",
    });
    expect(shapeErrors("CreateEmbeddingResponse", floats)).toEqual([]);
    const base64 = encoded.data[0]?.embedding as unknown as string;
    expect(typeof base64).toBe("string");
    const bytes = Buffer.from(base64, "base64");
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    expect(decoded).toHaveLength(64);
    expect(decoded).toEqual(floats.data[0]?.embedding.map(Math.fround));
    // The client's own default asks for base64 and decodes it.
    const byDefault = await client.embeddings.create({
      model: "sim/embeddings",
      input: "a harbor",
      dimensions: 64,
    });
    expect(byDefault.data[0]?.embedding).toEqual(decoded);
  });

  it.each([
    ["an empty input", { input: [] }, "input", "invalid_value"],
    ["an empty text", { input: ["a", ""] }, "input[1]", "invalid_value"],
    ["token ids", { input: [[1, 2]] }, "input[0]", "unsupported_value"],
    ["a bad encoding_format", { encoding_format: "hex" }, "encoding_format", "invalid_value"],
    ["a text model", { model: "sim-free" }, "model", "invalid_value"],
    [
      "dimensions a model cannot make",
      { model: "fixed-embeddings", dimensions: 32 },
      "dimensions",
      "unsupported_parameter",
    ],
  ])("refuses %s naming the param, creating nothing", async (_, extra, param, code) => {
    const before = await predictionCount();
    const { status, error } = await refusal("/embeddings", {
      model: "sim/embeddings",
      input: "hi",
      ...extra,
    });
    expect(status).toBe(400);
    expect(error).toMatchObject({ type: "invalid_request_error", param, code });
    expect(await predictionCount()).toBe(before);
  });

  it("answers a model that does not exist with OpenAI's 404", async () => {
    const { status, error } = await refusal("/embeddings", { model: "nobody/nothing", input: "hi" });
    expect(status).toBe(404);
    expect(error).toMatchObject({ type: "not_found_error" });
  });
});

describe("images.createVariation", () => {
  const png = async () =>
    toFile(
      await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 40, b: 40 } } })
        .png()
        .toBuffer(),
      "photo.png",
      { type: "image/png" },
    );

  it("makes n variations of the image with an image-to-image model, PNG by default", async () => {
    const response = await client.images.createVariation({
      model: "sim/image",
      image: await png(),
      n: 2,
      size: "256x256",
      response_format: "b64_json",
    });
    expect(shapeErrors("ImagesResponse", response)).toEqual([]);
    expect(response.data).toHaveLength(2);
    for (const image of response.data ?? []) {
      const metadata = await sharp(Buffer.from(image.b64_json ?? "", "base64")).metadata();
      expect(metadata).toMatchObject({ format: "png", width: 256, height: 256 });
    }
    const id = (response as unknown as { gengate: { prediction_id: string } }).gengate.prediction_id;
    const prediction = await gateway.engine.get(id);
    expect(prediction.input).toMatchObject({ num_outputs: 2, width: 256, height: 256 });
    expect(String(prediction.input.prompt)).toContain("variation");
    expect(prediction.input.image).toBeTruthy();
  });

  it("refuses a model that takes no input image, naming image", async () => {
    const request = client.images.createVariation({ model: "flux-schnell", image: await png() });
    await expect(request).rejects.toMatchObject({
      status: 400,
      param: "image",
      code: "unsupported_parameter",
    });
  });
});

describe("the AI SDK", () => {
  const provider = () => createOpenAI({ baseURL: `${gateway.url}/openai/v1`, apiKey: TEST_TOKEN });

  it("embeds one value and many", async () => {
    const { embedding, usage } = await embed({
      model: provider().embedding("text-embedding-3-small"),
      value: "a harbor",
    });
    expect(embedding).toHaveLength(768);
    expect(usage.tokens).toBeGreaterThan(0);
    const direct = await client.embeddings.create({
      model: "sim/embeddings",
      input: "a harbor",
      encoding_format: "float",
    });
    expect(embedding).toEqual(direct.data[0]?.embedding);
    const many = await embedMany({ model: provider().embedding("sim/embeddings"), values: ["a", "b"] });
    expect(many.embeddings).toHaveLength(2);
  });
});
