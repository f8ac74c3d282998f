import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAi, startFakeOpenAi } from "../../../test/fakes/openai/fake-openai.ts";
import { providerDeps } from "../../../test/support/provider-deps.ts";
import { ConfigError } from "../../core/env-config.ts";
import { GatewayError } from "../../core/errors.ts";
import { isOutputFile, type StartRequest } from "../provider.ts";
import { createOpenAiCompatibleProvider } from "./openai-compatible-provider.ts";

let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterAll(() => fake.close());

const settings = {
  models: { chat: { kind: "chat", model: "fake-chat" }, pics: { kind: "image", model: "fake-image" } },
};

const providerWith = async (env: Record<string, string>) => {
  const provider = createOpenAiCompatibleProvider(env, await providerDeps("openai-compatible", { settings }));
  if (!provider) throw new Error("not configured");
  return provider;
};

const request = (providerModel: string, input: Record<string, unknown>): StartRequest => ({
  predictionId: "p1",
  submitId: "s1",
  providerModel,
  input,
});

describe("the openai-compatible provider", () => {
  it("describes its configured models, and is off without a base URL", async () => {
    const provider = await providerWith({
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      OPENAI_COMPATIBLE_API_KEY: fake.apiKey,
    });
    const models = await provider.listModels();
    expect(models.map((model) => `${model.owner}/${model.name}`)).toEqual([
      "openai-compatible/chat",
      "openai-compatible/pics",
    ]);
    expect(models[0]?.capabilities).toMatchObject({
      chat: true,
      tools: true,
      jsonOutput: true,
      streaming: true,
    });
    expect(models[0]?.versionId).toMatch(/^[a-f0-9]{64}$/);
    expect(createOpenAiCompatibleProvider({}, await providerDeps("openai-compatible"))).toBeNull();
  });

  it("refuses a configuration without models, naming the setting", async () => {
    const deps = await providerDeps("openai-compatible", { settings: { models: {} } });
    expect(() => createOpenAiCompatibleProvider({ OPENAI_COMPATIBLE_BASE_URL: fake.url }, deps)).toThrow(
      ConfigError,
    );
    expect(() => createOpenAiCompatibleProvider({ OPENAI_COMPATIBLE_BASE_URL: fake.url }, deps)).toThrow(
      "providers.openai-compatible.models: list at least one model",
    );
  });

  it("streams a chat's text as it comes, then answers its status with token counts and finish reason", async () => {
    const provider = await providerWith({
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      OPENAI_COMPATIBLE_API_KEY: fake.apiKey,
    });
    const ctx = { readInput: async () => Promise.reject(new Error("no inputs")) };
    const started = await provider.start(
      request("chat", { messages: [{ role: "user", content: "hi" }], seed: 3 }),
      ctx,
    );
    expect(started.status).toBeUndefined();
    const parts = [];
    for await (const part of provider.stream?.(started.operation, ctx) ?? []) parts.push(part);
    expect(parts).toEqual([
      { type: "output", data: "You " },
      { type: "output", data: "said: " },
      { type: "output", data: "hi" },
      { type: "finish", finishReason: "stop", usage: { inputTokens: 12, outputTokens: 7 } },
    ]);
    expect(await provider.status(started.operation, ctx)).toEqual({
      state: "succeeded",
      output: ["You said: hi"],
      metrics: { input_token_count: 12, output_token_count: 7 },
      finishReason: "stop",
    });
    expect(fake.requests.at(-1)?.body).toEqual({
      model: "fake-chat",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "hi" }],
      seed: 3,
    });
    // The answer was read by this process only: another finds nothing to ask the upstream.
    expect(await provider.status(started.operation, ctx)).toMatchObject({ state: "failed" });
  });

  it("keeps generated images as PNG files", async () => {
    const provider = await providerWith({
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      OPENAI_COMPATIBLE_API_KEY: fake.apiKey,
    });
    const started = await provider.start(request("pics", { prompt: "a fox", num_outputs: 2 }), {
      readInput: async () => Promise.reject(new Error("no inputs")),
    });
    const output = started.status?.output as unknown[];
    expect(output).toHaveLength(2);
    expect(output.every(isOutputFile)).toBe(true);
    const bytes = Buffer.from((await (output[0] as { open(): Promise<Uint8Array> }).open()) as Uint8Array);
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
  });

  it("answers the upstream refusing gengate's key as a 502 naming the setting, never the key", async () => {
    const wrongKey = "sk-wrong-key-0987654321";
    const provider = await providerWith({
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      OPENAI_COMPATIBLE_API_KEY: wrongKey,
    });
    const error = await provider
      .start(request("chat", { messages: [{ role: "user", content: "hi" }] }), {
        readInput: async () => Promise.reject(new Error("no inputs")),
      })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(GatewayError);
    const failure = error as GatewayError;
    expect(failure.status).toBe(502);
    expect(`${failure.message} ${failure.providerDetail ?? ""}`).not.toContain(wrongKey);
    expect(failure.configSetting).toBe("OPENAI_COMPATIBLE_API_KEY");
    const check = await provider.check?.();
    expect(check).toMatchObject({ reachable: true, authenticated: false });
    expect(check?.detail).not.toContain(wrongKey);
  });
});
