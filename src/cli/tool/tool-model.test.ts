import { describe, expect, it } from "vitest";
import { toolModel } from "./tool-model.ts";

describe("toolModel", () => {
  it("takes a name without a slash as the alias gengate/<name>, which gets reference_image", () => {
    expect(toolModel("upscale")).toEqual({
      ref: "gengate/upscale",
      label: "upscale",
      imageField: "reference_image",
    });
    expect(toolModel("gengate/remove-background")).toMatchObject({ imageField: "reference_image" });
  });

  it("takes a name with a slash, a version id or a LoRA as a model, which gets image", () => {
    expect(toolModel("local/upscale")).toEqual({
      ref: "local/upscale",
      label: "upscale",
      imageField: "image",
    });
    expect(toolModel("owner/name:abc123")).toEqual({
      ref: "owner/name:abc123",
      label: "name",
      imageField: "image",
    });
    const version = "a".repeat(64);
    expect(toolModel(version)).toEqual({ ref: version, label: "aaaaaaaa", imageField: "image" });
    expect(toolModel("lora:me")).toEqual({ ref: "lora:me", label: "me", imageField: "image" });
  });

  it("refuses what is neither", () => {
    expect(() => toolModel("up scale")).toThrow('"up scale" is neither a tool');
    expect(() => toolModel("a/b/c")).toThrow("nor a model reference");
  });
});
