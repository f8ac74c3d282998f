import { describe, expect, it } from "vitest";
import { ConfigError } from "../../core/env-config.ts";
import { parseRunpodConfig } from "./config.ts";

const FILE = "/srv/gengate.config.json";
const KEY = "rpa_SECRET_KEY_0123456789";
const endpoints = { sdxl: { endpointId: "abc123", worker: "a1111" } };
/** What `run` throws; the test fails when it throws nothing. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return expect.fail("expected an error, but none was thrown");
}

const parse = (settings: unknown, env: Record<string, string> = { RUNPOD_API_KEY: KEY }) =>
  parseRunpodConfig(env, { settings, configFile: FILE });

describe("parseRunpodConfig", () => {
  it("is off without RUNPOD_API_KEY and without a section", () => {
    expect(parse(undefined, {})).toBeNull();
  });

  it("reads the endpoints with their defaults", () => {
    const config = parse({ endpoints });
    expect(config).toMatchObject({
      apiKey: KEY,
      baseUrl: "https://api.runpod.ai/v2",
      concurrency: 50,
      perMinute: 6_000,
    });
    expect(config?.endpoints.get("sdxl")).toEqual({
      endpointId: "abc123",
      worker: "a1111",
      maxRetries: 3,
      retryDelayMs: 2_000,
    });
  });

  it("reads a vLLM endpoint, which has a served model, no retries and no tool calls unless it says so", () => {
    const config = parse({
      endpoints: {
        chat: { endpointId: "v1", worker: "vllm", model: "Qwen/Qwen3-8B" },
        agent: { endpointId: "v2", worker: "vllm", model: "Qwen/Qwen3-8B", tools: true },
      },
    });
    expect(config?.endpoints.get("chat")).toEqual({
      endpointId: "v1",
      worker: "vllm",
      model: "Qwen/Qwen3-8B",
      tools: false,
    });
    expect(config?.endpoints.get("agent")).toMatchObject({ tools: true });
    expect(() =>
      parse({ endpoints: { chat: { endpointId: "v1", worker: "vllm", model: "m", tools: "yes" } } }),
    ).toThrow(/providers\.runpod\.endpoints\.chat\.tools/);
  });

  it("takes RUNPOD_BASE_URL without its trailing slash", () => {
    const config = parse({ endpoints }, { RUNPOD_API_KEY: KEY, RUNPOD_BASE_URL: "http://127.0.0.1:9/v2/" });
    expect(config?.baseUrl).toBe("http://127.0.0.1:9/v2");
  });

  it("checks a section even when the key is missing, then stays off", () => {
    expect(parse({ endpoints }, {})).toBeNull();
    expect(() => parse({ endpoints: {} }, {})).toThrow(
      `${FILE}: providers.runpod.endpoints: list at least one endpoint`,
    );
  });

  it.each([
    [undefined, "providers.runpod: is missing: RUNPOD_API_KEY is set"],
    [[], "providers.runpod: must be an object"],
    [
      { endpoints: { sdxl: { endpointId: "abc", worker: "invokeai" } } },
      "providers.runpod.endpoints.sdxl.worker: Invalid option",
    ],
    [
      { endpoints: { sdxl: { worker: "flux" } } },
      "providers.runpod.endpoints.sdxl.endpointId: must be the RunPod endpoint id",
    ],
    [{ endpoints: { "bad name": endpoints.sdxl } }, "providers.runpod.endpoints.bad name: model names are"],
    [
      { endpoints: { f: { endpointId: "e", worker: "flux", checkpoint: "x" } } },
      "providers.runpod.endpoints.f.checkpoint: only comfyui",
    ],
    [
      { endpoints: { f: { endpointId: "e", worker: "flux", maxRetries: -1 } } },
      "providers.runpod.endpoints.f.maxRetries: ",
    ],
    [
      { endpoints: { chat: { endpointId: "e", worker: "vllm" } } },
      "providers.runpod.endpoints.chat.model: must be the model the vLLM worker serves",
    ],
    [
      { endpoints: { chat: { endpointId: "e", worker: "vllm", model: "m", maxRetries: 2 } } },
      'providers.runpod.endpoints.chat: Unrecognized key: "maxRetries"',
    ],
    [{ endpoints, concurrency: 0 }, "providers.runpod.concurrency: "],
    [{ endpoints, extra: true }, "providers.runpod: Unrecognized key"],
  ])("refuses %j naming the file and the path", (settings, message) => {
    const run = () => parse(settings);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(`${FILE}: ${message}`);
  });

  it.each([
    [{ endpoints }, "ftp://x", "RUNPOD_BASE_URL: must be a URL starting with http:// or https://"],
    [{ endpoints: {} }, undefined, `${FILE}: providers.runpod.endpoints: list at least one endpoint`],
    [{ endpoints: { sdxl: { worker: "a1111" } } }, undefined, "providers.runpod.endpoints.sdxl.endpointId"],
  ])("never repeats the API key in an error (%j, base URL %s)", (settings, baseUrl, message) => {
    const env = { RUNPOD_API_KEY: KEY, ...(baseUrl !== undefined && { RUNPOD_BASE_URL: baseUrl }) };
    const error = thrownBy(() => parse(settings, env));
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain(message);
    expect(String(error)).not.toContain(KEY);
  });
});
