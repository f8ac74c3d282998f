import { describe, expect, it } from "vitest";
import { withProviderWarnings } from "./provider-warnings.ts";

describe("withProviderWarnings", () => {
  it("adds what is new, once, after what the prediction already says", () => {
    const row = { warnings: ["sampler dropped"] };
    expect(withProviderWarnings(row, ["NSFW in image 0", "sampler dropped", "NSFW in image 0"])).toEqual({
      warnings: ["sampler dropped", "NSFW in image 0"],
    });
  });

  it("changes nothing when nothing is new", () => {
    expect(withProviderWarnings({ warnings: ["a"] }, ["a"])).toEqual({});
    expect(withProviderWarnings({}, undefined)).toEqual({});
    expect(withProviderWarnings({}, ["b"])).toEqual({ warnings: ["b"] });
  });
});
