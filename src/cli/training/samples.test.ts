import { describe, expect, it } from "vitest";
import type { LoraJson, LoraSampleJson } from "./lora-json.ts";
import { sampleFiles } from "./samples.ts";

const sample = (output: unknown): LoraSampleJson => ({
  prompt: "TOK",
  status: "succeeded",
  prediction_id: "p",
  output,
});

describe("sampleFiles", () => {
  it("numbers every sample image after the LoRA, with the extension of its URL", () => {
    const lora = {
      name: "my-face",
      samples: [
        sample(["https://x.test/files/a/out.webp"]),
        sample(null),
        sample(["https://x.test/files/b/1.png?sig=2", "https://x.test/files/b/2"]),
      ],
    } as LoraJson;
    expect(sampleFiles(lora, "out")).toEqual([
      { url: "https://x.test/files/a/out.webp", path: "out/my-face-sample-1.webp" },
      { url: "https://x.test/files/b/1.png?sig=2", path: "out/my-face-sample-2.png" },
      { url: "https://x.test/files/b/2", path: "out/my-face-sample-3.bin" },
    ]);
  });
});
