import { describe, expect, it } from "vitest";
import { findModel } from "../model-lookup.ts";
import type { ImageEndpointConfig } from "./config.ts";
import { describeModel } from "./models.ts";

const endpoint = (
  worker: ImageEndpointConfig["worker"],
  extra: Partial<ImageEndpointConfig> = {},
): ImageEndpointConfig => ({
  endpointId: "ep-1",
  worker,
  maxRetries: 3,
  retryDelayMs: 0,
  ...extra,
});
type Props = Record<string, Record<string, unknown>>;
const props = (worker: ImageEndpointConfig["worker"]) =>
  describeModel("m", endpoint(worker)).inputSchema.properties as Props;

describe("RunPod models", () => {
  it("describe a configured endpoint as runpod/<name>, naming the worker", () => {
    const model = describeModel("sdxl", endpoint("a1111", { description: "SDXL base" }));
    expect(model).toMatchObject({
      owner: "runpod",
      name: "sdxl",
      providerModel: "sdxl",
      versionId: expect.stringMatching(/^[a-f0-9]{64}$/),
    });
    expect(model.description).toBe(
      "SDXL base. Runs on RunPod serverless endpoint ep-1 with the AUTOMATIC1111 (worker-a1111) worker.",
    );
    expect(model.inputSchema.required).toEqual(["prompt"]);
  });

  it("offer gengate's normalised parameters in Cog order", () => {
    expect(Object.keys(props("a1111"))).toEqual([
      "prompt",
      "negative_prompt",
      "width",
      "height",
      "steps",
      "guidance",
      "cfg_scale",
      "seed",
      "sampler",
      "scheduler",
      "num_outputs",
      "use_enhanced_prompts",
      "output_format",
    ]);
    expect(props("a1111").seed).toMatchObject({ default: -1, minimum: -1, "x-order": 7 });
    expect(props("a1111").use_enhanced_prompts).toMatchObject({ type: "boolean", default: true });
  });

  it("follow each worker's limits", () => {
    const flux = props("flux");
    expect(flux.sampler).toBeUndefined();
    expect(flux.width).toMatchObject({ minimum: 256, maximum: 1536, multipleOf: 64 });
    expect(flux.num_outputs).toMatchObject({ maximum: 1 });
    expect(flux.output_format?.enum).toEqual(["png", "jpg"]);
    expect(props("comfyui").output_format?.enum).toEqual(["png"]);
    expect(props("comfyui").num_outputs).toMatchObject({ maximum: 4 });
  });

  it("say what the presets do, and change version when they change", () => {
    const plain = describeModel("m", endpoint("a1111"));
    const styled = describeModel("m", endpoint("a1111", { presets: { positive: "film grain" } }));
    const props = styled.inputSchema.properties as Props;
    expect(props.use_enhanced_prompts?.description).toContain('appends "film grain" to the prompt');
    expect(styled.versionId).not.toBe(plain.versionId);
  });

  it("describe a vLLM endpoint as a streaming chat model taking messages or a prompt", () => {
    const model = describeModel("chat", {
      endpointId: "v1",
      worker: "vllm",
      model: "Qwen/Qwen3-8B",
      tools: false,
    });
    expect(model.description).toBe(
      "Language model. Runs Qwen/Qwen3-8B on RunPod serverless endpoint v1 with the vLLM (worker-vllm) worker.",
    );
    expect(model.capabilities).toEqual({ streaming: true, chat: true });
    expect(Object.keys(model.inputSchema.properties as Props)).toEqual([
      "messages",
      "prompt",
      "max_tokens",
      "temperature",
      "top_p",
      "stop",
      "seed",
    ]);
    expect(model.outputSchema).toMatchObject({ type: "array", "x-cog-array-type": "iterator" });
    const other = describeModel("chat", {
      endpointId: "v1",
      worker: "vllm",
      model: "Qwen/Qwen3-14B",
      tools: false,
    });
    expect(other.versionId).not.toBe(model.versionId);
  });

  it("describe a vLLM endpoint whose worker calls tools as taking OpenAI's chat fields too", () => {
    const plain = describeModel("chat", { endpointId: "v1", worker: "vllm", model: "m", tools: false });
    const model = describeModel("chat", { endpointId: "v1", worker: "vllm", model: "m", tools: true });
    expect(model.capabilities).toEqual({ streaming: true, chat: true, jsonOutput: true, tools: true });
    expect(Object.keys(model.inputSchema.properties as Props)).toEqual([
      "messages",
      "prompt",
      "max_tokens",
      "temperature",
      "top_p",
      "stop",
      "seed",
      "tools",
      "tool_choice",
      "response_format",
      "logprobs",
      "top_logprobs",
      "presence_penalty",
      "frequency_penalty",
      "logit_bias",
    ]);
    expect(model.outputSchema).toMatchObject({
      items: { anyOf: [{ type: "string" }, { required: ["tool_calls"] }, { required: ["logprobs"] }] },
    });
    expect(model.versionId).not.toBe(plain.versionId);
  });

  it("are found by name, version or bare version", () => {
    const models = [describeModel("a", endpoint("a1111")), describeModel("b", endpoint("flux"))];
    const b = models[1];
    expect(findModel(models, { kind: "model", owner: "runpod", name: "b" })).toBe(b);
    expect(
      findModel(models, { kind: "version", owner: "runpod", name: "b", version: b?.versionId ?? "" }),
    ).toBe(b);
    expect(findModel(models, { kind: "bare-version", version: b?.versionId ?? "" })).toBe(b);
    expect(findModel(models, { kind: "model", owner: "sim", name: "b" })).toBeNull();
    expect(findModel(models, { kind: "deployment", owner: "runpod", name: "b" })).toBeNull();
  });
});
