import { describe, expect, it } from "vitest";
import type { StartRequest } from "../provider.ts";
import type { ImageEndpointConfig } from "./config.ts";
import { jobRequest, runRequest } from "./run-request.ts";

const NOW = 1_700_000_000_000;
const endpoint = (
  worker: ImageEndpointConfig["worker"],
  extra: Partial<ImageEndpointConfig> = {},
): ImageEndpointConfig => ({
  endpointId: "e1",
  worker,
  maxRetries: 3,
  retryDelayMs: 0,
  ...extra,
});
const request = (input: Record<string, unknown>, extra: Partial<StartRequest> = {}): StartRequest => ({
  predictionId: "p1",
  submitId: "s1",
  providerModel: "m",
  input: { prompt: "a lighthouse", ...input },
  ...extra,
});
const presets = { positive: "cinematic, 8k", negative: "blurry, watermark" };

describe("runRequest", () => {
  it("maps onto A1111's txt2img fields", () => {
    const input = {
      negative_prompt: "fog",
      width: 512,
      height: 768,
      steps: 30,
      cfg_scale: 5,
      seed: 42,
      sampler: "euler_ancestral",
      scheduler: "karras",
      num_outputs: 2,
      output_format: "webp",
    };
    expect(runRequest(request(input), endpoint("a1111"), undefined, NOW).body).toEqual({
      input: {
        prompt: "a lighthouse",
        negative_prompt: "fog",
        width: 512,
        height: 768,
        steps: 30,
        cfg_scale: 5,
        seed: 42,
        sampler_name: "Euler a",
        scheduler: "Karras",
        batch_size: 2,
        n_iter: 1,
        override_settings: { samples_format: "webp" },
      },
    });
  });

  it("maps onto a ComfyUI workflow, choosing the seed itself", () => {
    const { body, params } = runRequest(
      request({ guidance: 6, num_outputs: 3 }),
      endpoint("comfyui", { checkpoint: "juggernaut.safetensors" }),
      undefined,
      NOW,
    );
    const workflow = body.input.workflow as Record<
      string,
      { class_type: string; inputs: Record<string, unknown> }
    >;
    expect(workflow["3"]?.inputs).toMatchObject({
      cfg: 6,
      steps: 25,
      sampler_name: "euler",
      scheduler: "normal",
      seed: params.seed,
    });
    expect(params.seed).toBeGreaterThanOrEqual(0);
    expect(workflow["4"]?.inputs.ckpt_name).toBe("juggernaut.safetensors");
    expect(workflow["5"]?.inputs).toEqual({ width: 1024, height: 1024, batch_size: 3 });
    expect(workflow["6"]?.inputs.text).toBe("a lighthouse");
    expect(workflow["9"]?.class_type).toBe("SaveImage");
  });

  it("maps onto the Flux endpoint's fields", () => {
    const input = { width: 768, height: 512, steps: 6, guidance: 2, output_format: "jpg" };
    expect(runRequest(request(input), endpoint("flux"), undefined, NOW).body.input).toEqual({
      prompt: "a lighthouse",
      width: 768,
      height: 512,
      num_inference_steps: 6,
      guidance: 2,
      seed: -1,
      image_format: "jpeg",
    });
  });

  it("prefers guidance over its alias cfg_scale", () => {
    const input = runRequest(request({ guidance: 9, cfg_scale: 3 }), endpoint("a1111"), undefined, NOW).body
      .input;
    expect(input.cfg_scale).toBe(9);
  });

  it("applies presets unless use_enhanced_prompts is false", () => {
    const on = runRequest(request({ negative_prompt: "fog" }), endpoint("a1111", { presets }), undefined, NOW)
      .body.input;
    expect([on.prompt, on.negative_prompt]).toEqual([
      "a lighthouse, cinematic, 8k",
      "fog, blurry, watermark",
    ]);
    const off = runRequest(
      request({ use_enhanced_prompts: false }),
      endpoint("a1111", { presets }),
      undefined,
      NOW,
    ).body.input;
    expect([off.prompt, off.negative_prompt]).toEqual(["a lighthouse", ""]);
  });

  it("adds the webhook, and a policy from the deadline within RunPod's bounds", () => {
    const { body } = runRequest(
      request({}, { deadlineAt: NOW + 60_000 }),
      endpoint("flux"),
      "https://gg/hooks/runpod?x=1",
      NOW,
    );
    expect(body.webhook).toBe("https://gg/hooks/runpod?x=1");
    expect(body.policy).toEqual({ executionTimeout: 60_000, ttl: 60_000 });
    const soon = runRequest(request({}, { deadlineAt: NOW + 1_000 }), endpoint("flux"), undefined, NOW).body;
    expect(soon.policy).toEqual({ executionTimeout: 5_000, ttl: 10_000 });
  });

  it("sends a vLLM prediction as worker-vllm's streaming input, never retried", () => {
    const vllm = { endpointId: "v1", worker: "vllm", model: "m", tools: false } as const;
    const messages = [{ role: "user", content: "hi" }];
    const input = { messages, prompt: "ignored", max_tokens: 64, temperature: 0.2, stop: ["\n"], seed: 3 };
    expect(jobRequest(request(input), vllm, undefined, NOW)).toEqual({
      body: {
        input: {
          messages,
          sampling_params: { max_tokens: 64, temperature: 0.2, stop: ["\n"], seed: 3 },
          stream: true,
        },
      },
      facts: { kind: "text", maxRetries: 0, retryDelayMs: 0 },
    });
    expect(jobRequest(request({ max_tokens: 5 }), vllm, undefined, NOW).body.input).toEqual({
      prompt: "a lighthouse",
      sampling_params: { max_tokens: 5 },
      stream: true,
    });
  });
});
