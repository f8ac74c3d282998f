import { describe, expect, it } from "vitest";
import type { LoraJson, LoraSampleJson } from "./lora-json.ts";
import { describeStep, trainingSteps } from "./lora-step.ts";

const lora = (status: LoraJson["status"], samples: LoraSampleJson[] = []) =>
  ({ status, samples }) as LoraJson;
const sample = (status: string): LoraSampleJson => ({
  prompt: "TOK",
  status,
  prediction_id: "p",
  output: null,
});

describe("describeStep", () => {
  it("says each step in plain words", () => {
    expect(describeStep(lora("uploading"))).toBe("uploading photos");
    expect(describeStep(lora("creating_model"))).toBe("creating the model");
    expect(describeStep(lora("ready"))).toBe("ready");
    expect(describeStep(lora("failed"))).toBe("failed");
    expect(describeStep(lora("canceled"))).toBe("canceled");
  });

  it("counts the training's steps from its logs, when they have a count", () => {
    const logs = "Loading model\nflux_train_replicate:  45%|████▌     | 450/1000 [04:10<05:05, 1.80it/s]\n";
    expect(describeStep(lora("training"), logs)).toBe("training 45% (450/1000 steps)");
    expect(describeStep(lora("training"), "Loading model\n")).toBe("training");
    expect(describeStep(lora("training"))).toBe("training");
  });

  it("counts the finished sample images", () => {
    const samples = [sample("succeeded"), sample("failed"), sample("processing"), sample("starting")];
    expect(describeStep(lora("sampling", samples))).toBe("making sample images 2/4");
    expect(describeStep(lora("sampling"))).toBe("making sample images");
  });
});

describe("trainingSteps", () => {
  it("reads the last line with a count, a line also ending at a progress bar's \\r", () => {
    const logs = "steps:  10%| 100/1000\r steps:  20%| 200/1000\rsaving checkpoint\n";
    expect(trainingSteps(logs)).toEqual({ done: 200, total: 1000 });
    expect(trainingSteps("a 1/4\nb 3/4\n")).toEqual({ done: 3, total: 4 });
  });

  it("takes no date nor path for a count", () => {
    expect(trainingSteps("step 5/10\n2024/05/01 12:00 saving\nGET /v1/2 200\n")).toEqual({
      done: 5,
      total: 10,
    });
    expect(trainingSteps("started 2024/05/01\n")).toBeUndefined();
    expect(trainingSteps("")).toBeUndefined();
  });
});
