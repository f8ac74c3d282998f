import { describe, expect, it } from "vitest";
import { perMinuteBudget } from "../providers/provider.ts";
import { overriddenBudget } from "./rate-budget.ts";

describe("a provider's rate budget overridden by the configuration", () => {
  it("takes the configured rate with a burst of at most two seconds' worth, or the provider's own if shorter", () => {
    const sim = perMinuteBudget("sim", 600_000);
    expect(overriddenBudget(sim, 6)).toEqual({ bucket: "sim", perMinute: 6, burst: 1 });
    expect(overriddenBudget(sim, 1_200)).toEqual({ bucket: "sim", perMinute: 1_200, burst: 20 });
    const replicate = { bucket: "replicate", perMinute: 540, burst: 30 };
    expect(overriddenBudget(replicate, 60)).toEqual({ bucket: "replicate", perMinute: 60, burst: 2 });
    expect(overriddenBudget(replicate, 600)).toEqual({ bucket: "replicate", perMinute: 600, burst: 20 });
    const halfSecond = { bucket: "fal", perMinute: 600, burst: 5 };
    expect(overriddenBudget(halfSecond, 1_200)).toEqual({ bucket: "fal", perMinute: 1_200, burst: 10 });
  });

  it("is the provider's own without an override", () => {
    const budget = perMinuteBudget("fal", 600);
    expect(overriddenBudget(budget, undefined)).toBe(budget);
  });
});
