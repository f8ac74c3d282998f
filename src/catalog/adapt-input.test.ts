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
