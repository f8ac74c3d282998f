/**
 * `POST /openai/v1/embeddings` on Replicate's embedding model (replicate/all-mpnet-base-v2, its
 * `text_batch` input and `[{ embedding }]` output) through the fake Replicate, with the official
 * `openai` client: one prediction for all the texts, by name or by an OpenAI model name mapped to it.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shapeErrors } from "./fakes/openai/openapi-spec.ts";
import { type FakeReplicate, startFakeReplicate } from "./fakes/replicate/index.ts";
import { startGatewayWithConfig, type TestGateway } from "./support/gateway.ts";

let fake: FakeReplicate;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeReplicate({ latencyMs: { min: 5, max: 10 } });
  gateway = await startGatewayWithConfig(
    { openai: { models: { "text-embedding-ada-002": "replicate/all-mpnet-base-v2" } } },
    { REPLICATE_API_TOKEN: fake.token, REPLICATE_BASE_URL: fake.url },
  );
  client = new OpenAI({ apiKey: gateway.token, baseURL: `${gateway.url}/openai/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await fake?.close();
});

describe("embeddings.create on a Replicate embedding model", () => {
  it("sends every text in one text_batch and answers a unit vector per text, in order", async () => {
    const texts = ["a harbor", "a mountain", "a harbor"];
    const response = await client.embeddings.create({
      model: "replicate/all-mpnet-base-v2",
      input: texts,
      encoding_format: "float",
    });
    expect(shapeErrors("CreateEmbeddingResponse", response)).toEqual([]);
    expect(response.model).toBe("replicate/all-mpnet-base-v2");
    const vectors = response.data.map((item) => item.embedding);
    expect(response.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(vectors[0]).toHaveLength(768);
    expect(Math.hypot(...(vectors[0] ?? []))).toBeCloseTo(1, 6);
    expect(vectors[2]).toEqual(vectors[0]);
    expect(vectors[1]).not.toEqual(vectors[0]);
    const upstream = fake.predictions().filter((p) => p.input.text_batch !== undefined);
    expect(upstream.map((p) => JSON.parse(String(p.input.text_batch)))).toEqual([texts]);
  });

  it("answers under an OpenAI model name mapped to it, and base64 as the client asks by default", async () => {
    const floats = await client.embeddings.create({
      model: "replicate/all-mpnet-base-v2",
      input: "a lighthouse",
      encoding_format: "float",
    });
    const mapped = await client.embeddings.create({ model: "text-embedding-ada-002", input: "a lighthouse" });
    expect(mapped.model).toBe("text-embedding-ada-002");
    expect(mapped.data[0]?.embedding).toEqual(floats.data[0]?.embedding.map(Math.fround));
  });

  it("refuses dimensions, which the model cannot shorten, asking Replicate nothing", async () => {
    const before = fake.predictions().length;
    const error = await client.embeddings
      .create({ model: "replicate/all-mpnet-base-v2", input: "x", dimensions: 64 })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 400, param: "dimensions", code: "unsupported_parameter" });
    expect(fake.predictions()).toHaveLength(before);
  });
});
