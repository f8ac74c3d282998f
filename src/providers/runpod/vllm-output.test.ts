import { describe, expect, it } from "vitest";
import { streamedBatch, textOutput } from "./vllm-output.ts";

const batch = (tokens: string[], output: number) => ({ choices: [{ tokens }], usage: { input: 4, output } });

describe("worker-vllm output", () => {
  it("reads a streamed batch's text deltas, leaving out empty ones, and its usage so far", () => {
    expect(streamedBatch(batch(["Hello", " there", ""], 3))).toEqual({
      tokens: ["Hello", " there"],
      usage: { input: 4, output: 3 },
    });
    expect(streamedBatch({ images: [] })).toEqual({ tokens: [], usage: undefined });
  });

  it("joins a finished job's batches, with the last usage counts", () => {
    expect(textOutput([batch(["A"], 1), batch([" b", " c"], 3)])).toEqual({
      tokens: ["A", " b", " c"],
      usage: { input: 4, output: 3 },
    });
    expect(textOutput(batch(["whole text"], 2))).toEqual({
      tokens: ["whole text"],
      usage: { input: 4, output: 2 },
    });
    expect(textOutput([])).toEqual({ tokens: [], usage: undefined });
  });

  it("is null for output that is not worker-vllm's", () => {
    expect(textOutput({ image_url: "https://x/y.png" })).toBeNull();
    expect(textOutput([batch(["A"], 1), "text"])).toBeNull();
    expect(textOutput(undefined)).toBeNull();
  });
});
