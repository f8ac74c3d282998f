import { describe, expect, it } from "vitest";
import type { RouteTarget } from "../core/route.ts";
import { adaptInput } from "./adapt-input.ts";

const target = (over: Partial<RouteTarget>): RouteTarget => ({
  key: "t#0",
  provider: "sim",
  model: "m/x",
  capabilities: {},
  params: {},
  input: {},
  retries: 0,
  onUnsupported: "fallback",
  ...over,
});

describe("adapting a request to a target", () => {
  it("renames parameters and adds the target's fixed input", () => {
    const t = target({ params: { steps: "num_inference_steps" }, input: { go_fast: true } });
    expect(adaptInput(t, { prompt: "p", steps: 20 })).toEqual({
      ok: true,
      input: { prompt: "p", num_inference_steps: 20, go_fast: true },
      warnings: [],
    });
  });

  it("sends OpenAI's response_format only to a target that honours JSON output", () => {
    const format = { type: "json_object" };
    expect(adaptInput(target({}), { prompt: "p", response_format: format })).toEqual({
      ok: false,
      reason: "capability missing: JSON output",
    });
    const json = target({ capabilities: { jsonOutput: true } });
    expect(adaptInput(json, { prompt: "p", response_format: format })).toMatchObject({
      ok: true,
      input: { response_format: format },
    });
  });

  it("takes the model's word on JSON output when the catalog says nothing, the catalog's when it does", () => {
    const request = { prompt: "p", response_format: { type: "json_object" } };
    const openAiLike = { jsonOutput: true, tools: true };
    expect(adaptInput(target({}), request, undefined, openAiLike)).toMatchObject({ ok: true });
    expect(adaptInput(target({}), request, undefined, { tools: true })).toMatchObject({ ok: true });
    expect(
      adaptInput(target({ capabilities: { jsonOutput: false } }), request, undefined, openAiLike),
    ).toEqual({
      ok: false,
      reason: "capability missing: JSON output",
    });
  });

  it("snaps a size to the target's multiple, with a warning", () => {
    const t = target({ capabilities: { sizeMultipleOf: 64 } });
    const adapted = adaptInput(t, { width: 1000, height: 700 });
    expect(adapted).toEqual({
      ok: true,
      input: { width: 1024, height: 704 },
      warnings: ["size 1000x700 snapped to 1024x704, multiples of 64"],
    });
  });

  it("picks the nearest allowed aspect ratio", () => {
    const t = target({ capabilities: { sizeForm: "aspect_ratio", aspectRatios: ["1:1", "16:9"] } });
    const adapted = adaptInput(t, { width: 1920, height: 1000 });
    expect(adapted.ok && adapted.input).toEqual({ aspect_ratio: "16:9" });
  });

  it("refuses what the target cannot do", () => {
    expect(adaptInput(target({}), { mask: "u" })).toEqual({ ok: false, reason: "capability missing: mask" });
    expect(adaptInput(target({ capabilities: { maxOutputs: 1 } }), { num_outputs: 2 })).toEqual({
      ok: false,
      reason: "capability missing: 2 outputs (at most 1)",
    });
  });
});

describe("parameters against the target's own names and schema", () => {
  const schema = (...names: string[]) => ({
    type: "object",
    properties: Object.fromEntries(names.map((name) => [name, {}])),
  });

  it("lets a parameter sent in the target's own name win over a renamed one, with a warning", () => {
    const t = target({ params: { steps: "num_inference_steps" } });
    expect(adaptInput(t, { steps: 20, num_inference_steps: 30 })).toEqual({
      ok: true,
      input: { num_inference_steps: 30 },
      warnings: ["steps 20 not sent: the request's own num_inference_steps 30 wins"],
    });
  });

  it("moves on from a target whose schema does not list a parameter, or drops it with a warning", () => {
    const taken = schema("prompt", "num_inference_steps");
    const input = { prompt: "p", steps: 4, guidance: 3 };
    const params = { steps: "num_inference_steps" };
    expect(adaptInput(target({ params }), input, taken)).toEqual({
      ok: false,
      reason: "unsupported parameter: m/x does not take guidance",
    });
    expect(adaptInput(target({ params, onUnsupported: "drop" }), input, taken)).toEqual({
      ok: true,
      input: { prompt: "p", num_inference_steps: 4 },
      warnings: ["guidance dropped: m/x does not take it"],
    });
  });

  it("takes anything when the schema lists no inputs or allows more than it lists", () => {
    const open = { type: "object", properties: { prompt: {} }, additionalProperties: true };
    expect(adaptInput(target({}), { prompt: "p", sampler_name: "Euler" }, open)).toMatchObject({ ok: true });
    expect(adaptInput(target({}), { anything: 1 }, { type: "object" })).toMatchObject({ ok: true });
  });

  it("says nothing of one output asked of a target that makes one", () => {
    const t = target({ capabilities: { maxOutputs: 1 } });
    expect(adaptInput(t, { prompt: "p", num_outputs: 1 }, schema("prompt"))).toEqual({
      ok: true,
      input: { prompt: "p" },
      warnings: [],
    });
  });

  it("gives a LoRA as lora_weights and lora_scale, which params may rename", () => {
    const t = target({
      capabilities: { loras: true },
      params: { lora_weights: "extra_lora", lora_scale: "extra_lora_scale" },
    });
    expect(adaptInput(t, { prompt: "p", loras: [{ weights: "fofr/cars", scale: 0.5 }] })).toEqual({
      ok: true,
      input: { prompt: "p", extra_lora: "fofr/cars", extra_lora_scale: 0.5 },
      warnings: [],
    });
    expect(adaptInput(t, { loras: ["a/b", "c/d"] })).toEqual({
      ok: false,
      reason: "capability missing: 2 LoRAs (takes one)",
    });
  });

  it("refuses two parameters that give one input different values", () => {
    const t = target({
      capabilities: { referenceImage: true },
      params: { reference_image: "img", image: "img" },
    });
    expect(adaptInput(t, { image: "data:a", reference_image: "data:a" })).toMatchObject({ ok: true });
    expect(adaptInput(t, { image: "data:a", reference_image: "data:b" })).toEqual({
      ok: false,
      reason: "image and reference_image both give m/x's img, different values",
    });
  });

  it("says when the target's fixed input replaces what the request sent", () => {
    const t = target({ input: { go_fast: false } });
    expect(adaptInput(t, { go_fast: true })).toEqual({
      ok: true,
      input: { go_fast: false },
      warnings: ["go_fast true replaced by false, which t#0 always sends"],
    });
  });
});
