import { describe, expect, it } from "vitest";
import { changesSteps, stepsFor } from "./image-quality.ts";

const fluxDev = { type: "integer", default: 28, minimum: 1, maximum: 50 };
const fluxSchnell = { type: "integer", default: 4, minimum: 1, maximum: 4 };

describe("quality as steps", () => {
  it("keeps the model's default for auto, standard and medium", () => {
    for (const quality of ["auto", "standard", "medium"] as const) {
      expect(changesSteps(quality)).toBe(false);
      expect(stepsFor(quality, fluxDev)).toBeUndefined();
    }
  });

  it("raises the default for high and hd, more for xhigh and max, within the maximum", () => {
    expect(stepsFor("hd", fluxDev)).toBe(42);
    expect(stepsFor("high", fluxDev)).toBe(42);
    expect(stepsFor("xhigh", fluxDev)).toBe(50);
    expect(stepsFor("max", { type: "integer", default: 20 })).toBe(40);
  });

  it("halves the default for low, not under the minimum", () => {
    expect(stepsFor("low", fluxDev)).toBe(14);
    expect(stepsFor("low", { type: "integer", default: 4, minimum: 3 })).toBe(3);
  });

  it("changes nothing when the model is already at its limit or has no default", () => {
    expect(stepsFor("hd", fluxSchnell)).toBeUndefined();
    expect(stepsFor("hd", { type: "integer", maximum: 50 })).toBeUndefined();
  });
});
