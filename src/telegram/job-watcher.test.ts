import { describe, expect, it } from "vitest";
import { progressOf } from "./job-watcher.ts";

describe("progress from a model's logs", () => {
  it("is the last tqdm percentage, or undefined when there is none", () => {
    expect(progressOf("Using seed: 1\n  5%|▌         | 1/20 [00:00<00:01]\n 50%|█████     | 10/20")).toBe(50);
    expect(progressOf("Using seed: 1\nloading weights")).toBeUndefined();
  });
});
