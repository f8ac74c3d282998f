import { describe, expect, it } from "vitest";
import type { RouteTarget } from "../core/route.ts";
import { adaptInput } from "./adapt-input.ts";
import { CircuitBreakers } from "./circuit-breakers.ts";

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

describe("a circuit breaker", () => {
  it("opens after N failures in the window, lets one probe through after the open time, closes on success", () => {
    const breakers = new CircuitBreakers({ failures: 2, windowMs: 1_000, openMs: 500 });
    breakers.failure("k", 0);
    breakers.failure("k", 2_000);
    expect(breakers.allows("k", 2_001)).toBe(true);
    breakers.failure("k", 2_100);
    expect(breakers.state("k", 2_200)).toBe("open");
    expect(breakers.allows("k", 2_200)).toBe(false);
    expect(breakers.allows("k", 2_700)).toBe(true);
    expect(breakers.allows("k", 2_701)).toBe(false);
    breakers.failure("k", 2_800);
    expect(breakers.allows("k", 3_000)).toBe(false);
    expect(breakers.allows("k", 3_400)).toBe(true);
    breakers.success("k");
    expect(breakers.state("k")).toBe("closed");
  });
});
