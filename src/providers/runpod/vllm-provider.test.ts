/** The provider's vLLM models against the fake RunPod over real HTTP: /run, /stream, /status, /cancel. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeRunpod, startFakeRunpod } from "../../../test/fakes/runpod/index.ts";
import { providerDeps } from "../../../test/support/provider-deps.ts";
import type { Provider, ProviderContext, StatusResult, StreamPart } from "../provider.ts";
import { createRunpodProvider } from "./runpod-provider.ts";

let fake: FakeRunpod;
let provider: Provider;
const ctx: ProviderContext = { readInput: () => Promise.reject(new Error("no inputs")) };

beforeAll(async () => {
  fake = await startFakeRunpod({
    endpoints: { llm: { worker: "vllm", tokenIntervalMs: 10 }, sd: { worker: "a1111" } },
  });
  const settings = {
    endpoints: {
      chat: { endpointId: "llm", worker: "vllm", model: "fake/llama" },
      sdxl: { endpointId: "sd", worker: "a1111" },
    },
  };
  const made = createRunpodProvider(
    { RUNPOD_API_KEY: fake.apiKey, RUNPOD_BASE_URL: fake.url },
    await providerDeps("runpod", { settings }),
  );
  if (!made?.stream) throw new Error("no streaming provider");
  provider = made;
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

let predictions = 0;
const start = (input: Record<string, unknown>) =>
  provider.start(
    { predictionId: `p${++predictions}`, submitId: `s${predictions}`, providerModel: "chat", input },
    ctx,
  );

async function statusWhenDone(operation: unknown): Promise<StatusResult> {
  for (;;) {
    const status = await provider.status(operation, ctx);
    if (!["starting", "processing"].includes(status.state)) return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const finishes: StreamPart[] = [];

/** The tokens streamed, when each came; a finish part, which must be the last, goes to `finishes`. */
async function read(operation: unknown): Promise<Array<{ at: number; data: string }>> {
  const tokens: Array<{ at: number; data: string }> = [];
  finishes.length = 0;
  for await (const event of provider.stream?.(operation, ctx) ?? []) {
    expect(finishes).toEqual([]);
    if (event.type === "finish") finishes.push(event);
    else if (event.type === "output") tokens.push({ at: Date.now(), data: event.data });
  }
  return tokens;
}

describe("RunPod vLLM models", () => {
  it("stream tokens from /stream as they come; /status has the same text and the token counts", async () => {
    const messages = [{ role: "user", content: "describe the harbor" }];
    const started = await start({ messages, max_tokens: 40 });
    const tokens = await read(JSON.parse(JSON.stringify(started.operation)));
    expect(tokens).toHaveLength(40);
    expect(finishes).toEqual([
      { type: "finish", finishReason: "unknown", usage: { inputTokens: 4, outputTokens: 40 } },
    ]);
    expect((tokens.at(-1)?.at ?? 0) - (tokens[0]?.at ?? 0)).toBeGreaterThan(200);
    const done = await statusWhenDone(started.operation);
    expect(done).toMatchObject({
      state: "succeeded",
      output: tokens.map((token) => token.data),
      metrics: { predict_time: expect.any(Number), input_token_count: 4, output_token_count: 40 },
    });
    expect(fake.requests.filter((r) => r.operation === "stream").length).toBeGreaterThan(1);
  });

  it("end the stream when the job is canceled, and report it canceled", async () => {
    const started = await start({ prompt: "go on", max_tokens: 1_000 });
    const reading = read(started.operation);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await provider.cancel(started.operation, ctx);
    const tokens = await reading;
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.length).toBeLessThan(1_000);
    expect(finishes).toEqual([]);
    expect(await provider.status(started.operation, ctx)).toMatchObject({ state: "canceled" });
    expect(fake.jobs()[0]?.status).toBe("CANCELLED");
  });

  it("fail without retrying when the worker refuses the input", async () => {
    const started = await start({ prompt: "x", temperature: -1 });
    expect(await read(started.operation)).toEqual([]);
    expect(await statusWhenDone(started.operation)).toMatchObject({
      state: "failed",
      error: "temperature must be non-negative, got -1.",
    });
    expect(fake.requests.filter((r) => r.operation === "retry")).toEqual([]);
  });

  it("have no token stream for image jobs", async () => {
    const image = await provider.start(
      { predictionId: "img", submitId: "s-img", providerModel: "sdxl", input: { prompt: "a heron" } },
      ctx,
    );
    expect(() => provider.stream?.(image.operation, ctx)).toThrow("no token stream");
  });
});
