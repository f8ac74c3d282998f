import { describe, expect, it } from "vitest";
import { falImageSize } from "./image-size.ts";
import { FAL_INPUT_SCHEMA, toFalInput } from "./parameters.ts";

describe("fal parameters", () => {
  it("maps gengate's names to fal's, and passes fields in fal's own names as they are", () => {
    expect(
      toFalInput({
        prompt: "a fox",
        negative_prompt: "blur",
        width: 640,
        height: 480,
        num_outputs: 2,
        seed: 42,
        steps: 20,
        guidance: 4.5,
        output_format: "jpg",
        enable_safety_checker: false,
      }),
    ).toEqual({
      input: {
        prompt: "a fox",
        negative_prompt: "blur",
        image_size: { width: 640, height: 480 },
        num_images: 2,
        seed: 42,
        num_inference_steps: 20,
        guidance_scale: 4.5,
        output_format: "jpeg",
        enable_safety_checker: false,
      },
      warnings: [],
    });
    expect(toFalInput({ prompt: "p", aspect_ratio: "16:9", output_format: "png" }).input).toEqual({
      prompt: "p",
      image_size: "landscape_16_9",
      output_format: "png",
    });
  });

  it("lets a field sent in fal's own name win over a translated one, with a warning", () => {
    expect(toFalInput({ prompt: "p", guidance: 4.5, guidance_scale: 7, image_size: "square_hd" })).toEqual({
      input: { prompt: "p", guidance_scale: 7, image_size: "square_hd" },
      warnings: [
        `guidance_scale 7, sent in the provider's own name, wins over 4.5 from gengate's parameters`,
      ],
    });
  });

  it("describes every parameter in a Cog-style schema", () => {
    const properties = FAL_INPUT_SCHEMA.properties as Record<string, { "x-order": number }>;
    expect(Object.keys(properties)).toEqual([
      "prompt",
      "negative_prompt",
      "width",
      "height",
      "aspect_ratio",
      "num_outputs",
      "seed",
      "steps",
      "guidance",
      "output_format",
    ]);
    expect(Object.values(properties).map((p) => p["x-order"])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(FAL_INPUT_SCHEMA.required).toEqual(["prompt"]);
  });

  it("sizes images from width, height and aspect ratio", () => {
    expect(falImageSize({})).toBeUndefined();
    expect(falImageSize({ aspect_ratio: "3:4" })).toBe("portrait_4_3");
    expect(falImageSize({ aspect_ratio: "1:1" })).toBe("square_hd");
    expect(falImageSize({ width: 800 })).toEqual({ width: 800, height: 800 });
    expect(falImageSize({ width: 1024, aspect_ratio: "16:9" })).toEqual({ width: 1024, height: 576 });
    expect(falImageSize({ height: 1024, aspect_ratio: "9:16" })).toEqual({ width: 576, height: 1024 });
    expect(falImageSize({ width: 64, height: 96, aspect_ratio: "16:9" })).toEqual({ width: 64, height: 96 });
  });
});
